/**
 * WuKongIM's webhooks as unified changes. WuKongIM has no relationship webhook: its events are
 * `msg.notify`, `msg.offline` and `user.onlinestatus` (NOTES.md, "Webhooks"), so what it can
 * report is `message.sent`, from `msg.notify`. It signs nothing and sends no secret, so the check
 * is a token the operator puts in `webhook.http_addr` (`?token=`), compared in constant time.
 */
import { InvalidArgumentError, ImBridgeError } from '../../../src/spec/index.js';
import { sameSecret } from '../../../src/runtime/index.js';
import type { CallbackRequest, IngestedChange, VendorCallbacks } from '../../../src/vendor-kit/index.js';
import { GROUP, PERSON } from '../protocol/wire.js';

/** The adapter keeps metadata in channels with this prefix (backend/ids.ts): never a user's message. */
const METADATA_PREFIX = '~';

function messageChanges(messages: unknown): IngestedChange[] {
  if (!Array.isArray(messages)) throw new InvalidArgumentError('a msg.notify body is a JSON array of messages');
  const changes: IngestedChange[] = [];
  for (const message of messages as Array<Record<string, unknown>>) {
    const from = message.from_uid;
    const channel = message.channel_id;
    if (typeof from !== 'string' || typeof channel !== 'string' || channel.startsWith(METADATA_PREFIX)) continue;
    const kind = message.channel_type === PERSON ? 'user' : message.channel_type === GROUP ? 'group' : undefined;
    if (kind === undefined) continue;
    const time = typeof message.timestamp === 'number' ? { time: new Date(message.timestamp * 1000).toISOString() } : {};
    changes.push({ type: 'message.sent', target: { from, to: `${kind}:${channel}` }, actor: from, after: { id: message.message_idstr ?? String(message.message_id) }, ...time });
  }
  return changes;
}

export const wukongimCallbacks: VendorCallbacks = {
  read(request: CallbackRequest, credentials) {
    if (credentials.token !== undefined && !sameSecret(request.query.token ?? '', credentials.token)) {
      throw new ImBridgeError('UNAUTHENTICATED', 'the webhook URL does not carry the configured token');
    }
    const changes = request.query.event === 'msg.notify' ? messageChanges(request.body) : [];
    return { changes, reply: { status: 200, body: {} } };
  },
};
