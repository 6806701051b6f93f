/**
 * What a mirror can promise: only what both its backends can do (a write the secondary cannot
 * take would diverge at once), and ids that both ID rules accept.
 */
import { CAPABILITY_NAMES, isOptionSupported, type Capabilities, type CapabilityValue, type IdRule } from '../../../src/spec/index.js';

function both(first: CapabilityValue, second: CapabilityValue): CapabilityValue {
  if (first === false || second === false) return false;
  if (first === true) return second;
  if (second === true) return first;
  const options = new Set([...Object.keys(first), ...Object.keys(second)]);
  return Object.fromEntries([...options].map((option) => [option, first[option] === true && second[option] === true]));
}

export function combinedCapabilities(primary: Capabilities, secondary: Capabilities): Capabilities {
  const table = {} as Capabilities;
  for (const name of CAPABILITY_NAMES) table[name] = both(primary[name], secondary[name]);
  // Rooms are addressed by id afterwards, so the secondary must create each room under the id the
  // primary chose; a secondary that always picks its own id cannot mirror a room at all.
  for (const create of ['groups.create', 'chatrooms.create'] as const) {
    if (!isOptionSupported(secondary, create, 'id')) table[create] = false;
  }
  return table;
}

/** A rule an id satisfies only when it satisfies both; the same rule twice stays as it is. */
export function stricterIdRule(primary: IdRule, secondary: IdRule): IdRule {
  if (primary.pattern === secondary.pattern && primary.maxLength === secondary.maxLength) return primary;
  return {
    pattern: `^(?=(?:${primary.pattern})$)(?:${secondary.pattern})$`,
    maxLength: Math.min(primary.maxLength, secondary.maxLength),
    description: `${primary.description}; and also ${secondary.description}`,
  };
}
