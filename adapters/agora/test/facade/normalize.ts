/**
 * What may differ between targets and nothing else: generated ids (user and application uuids,
 * group/chat room ids, message ids) and timestamps — plus the origin in `uri`, which names the
 * server that answered, and room descriptions, which the unified Room does not keep. Each is
 * replaced by a placeholder.
 */
import type { ScenarioContext, Step } from './scenario.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME_KEYS = new Set(['timestamp', 'created', 'modified']);
const UUID_KEYS = new Set(['uuid', 'application']);

export function normalize(value: unknown, step: Step, context: ScenarioContext, base: string): unknown {
  const ids = [...context.captured].filter(([name]) => name === 'group' || name === 'unlisted-group' || name === 'chatroom');
  const text = (input: string): string => {
    let output = input.split(base).join('<origin>');
    for (const [name, id] of ids) output = output.split(id).join(`<${name}>`);
    return output.replace(UUID, '<uuid>');
  };
  const walk = (node: unknown, key: string | null, parentKey: string | null): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, null, key));
    if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node as Record<string, unknown>).map(([childKey, child]) => {
        if (step.messageIds && key === 'data' && parentKey === null) return [text(childKey), '<message-id>'];
        return [text(childKey), walk(child, childKey, key)];
      });
      return Object.fromEntries(entries);
    }
    if (key !== null && TIME_KEYS.has(key) && typeof node === 'number') return '<time>';
    // A mute's end: a time; -1 (until unmuted) and 0 (unmuted) are values.
    if (key === 'expire' && typeof node === 'number' && node > 0) return '<time>';
    if (key !== null && UUID_KEYS.has(key) && typeof node === 'string') return '<uuid>';
    // The unified Room keeps no description, so the facade answers "" (README, difference 1,
    // asserted in differences.test.ts), while the fake keeps the one given, which cannot be empty
    // for a chat room (audit A1).
    if (key === 'description' && typeof node === 'string') return '<description>';
    if (typeof node === 'string') return text(node);
    return node;
  };
  return walk(value, null, null);
}
