/**
 * `/message/send` (note §9) = `messages.send`. The payload is the app's base64 bytes; the unified
 * message is text, so a `{"type":1,"content":…}` payload (WuKongIM's text message) sends its
 * content and any other payload its decoded UTF-8. Unlike WuKongIM's REST send, the backend checks
 * the relationship policy (BLOCKED, MUTED, NOT_MEMBER…) and a refusal is a 400.
 */
import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import type { Peer } from '../../../src/spec/index.js';
import { GROUP, PERSON, VendorFailure, checkSend, decode, fnv64a } from '../protocol/wire.js';
import type { FacadeContext } from '../../../src/facade-kit/facade.js';
import { ensureUsers } from './backend-calls.js';
import { vendorRoute } from './vendor-route.js';

function messageText(payload: string): string {
  const decoded = Buffer.from(payload, 'base64').toString('utf8');
  try {
    const parsed = JSON.parse(decoded) as { content?: unknown };
    if (parsed && typeof parsed === 'object' && typeof parsed.content === 'string') return parsed.content;
  } catch {
    // Not JSON: the app's own bytes, sent as they decode.
  }
  return decoded;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * A message id as WuKongIM writes it: an int64 JSON number (bigint keeps ids above 2^53 exact).
 * A backend whose ids are not decimal (OpenIM's hex `serverMsgID`) gets a stable positive int64
 * derived from its id, so clients that decode `message_id` as int64 keep working.
 */
function messageId(id: string): bigint {
  if (/^\d{1,19}$/.test(id) && BigInt(id) <= INT64_MAX) return BigInt(id);
  return fnv64a(id) & INT64_MAX;
}

export function createMessagesRouter(context: FacadeContext): Router {
  const router = express.Router();
  router.post(
    '/message/send',
    ...vendorRoute(context, async (request, backend) => {
      const send = checkSend(decode(request, ['channel_type', 'expire', 'is_stream']));
      if (send.subscribers.length > 0) throw new VendorFailure('imbridge: sends to a subscriber list (sync_once) have no equivalent on imbridge backends');
      // WuKongIM would send as `____system`; the unified API has no system sender.
      if (send.fromUid === '') throw new VendorFailure('imbridge: from_uid is required (imbridge backends have no system sender)');
      let to: Peer;
      if (send.channelType === PERSON) to = { type: 'user', id: send.channelId };
      else if (send.channelType === GROUP) to = { type: 'group', id: send.channelId };
      else throw new VendorFailure(`imbridge: channel_type ${send.channelType} has no equivalent on imbridge backends (only 1 person and 2 group)`);
      await ensureUsers(backend, to.type === 'user' ? [send.fromUid, to.id] : [send.fromUid]);
      const sent = await backend.messages.send({ from: send.fromUid, to, text: messageText(send.payload) });
      const clientMsgNo = send.clientMsgNo || randomBytes(16).toString('hex');
      return { status: 200, data: { message_id: messageId(sent.id), client_msg_no: clientMsgNo } };
    }),
  );
  return router;
}
