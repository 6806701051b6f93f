/**
 * Agora Chat's post-delivery callbacks for contact (roster) changes (NOTES.md, "Callbacks"): a
 * JSON body with `callId` (`{appkey}_{uuid}`), `timestamp` (ms), `chat_type: "roster"`, `from`,
 * `to`, `payload.operation` (`add`, `remove`, `ban`, `allow`) and `security`, the MD5 of
 * `callId + secret + timestamp`. The fake sends one per contact or block-list change its REST
 * API makes (post-delivery callbacks cover REST calls as well as SDKs).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AnsweredRequest, OutgoingCallback } from '../../../src/testing/index.js';

export interface AgoraCallbackSettings {
  appKey: string;
  /** The callback secret set in the console. */
  secret: string;
  now: () => number;
}

function roster(settings: AgoraCallbackSettings, from: string, to: string, operation: string): OutgoingCallback {
  const callId = `${settings.appKey}_${randomUUID()}`;
  const timestamp = settings.now();
  const security = createHash('md5').update(`${callId}${settings.secret}${timestamp}`).digest('hex');
  return {
    body: { callId, eventType: 'chat', chat_type: 'roster', timestamp, appkey: settings.appKey, from, to, msg_id: randomUUID(), payload: { operation }, security },
  };
}

export function agoraCallbacks(settings: AgoraCallbackSettings): (answered: AnsweredRequest) => OutgoingCallback[] {
  return (answered) => {
    if (answered.status !== 200) return [];
    const contact = /^\/users\/([^/]+)\/contacts\/users\/([^/]+)$/.exec(answered.path);
    if (contact) {
      const [owner, friend] = [decodeURIComponent(contact[1]!), decodeURIComponent(contact[2]!)];
      if (answered.method === 'POST') return [roster(settings, owner, friend, 'add')];
      if (answered.method === 'DELETE') return [roster(settings, owner, friend, 'remove')];
    }
    const blocks = /^\/users\/([^/]+)\/blocks\/users$/.exec(answered.path);
    if (blocks && answered.method === 'POST') {
      const owner = decodeURIComponent(blocks[1]!);
      const added = (answered.answer as { data?: unknown } | undefined)?.data;
      return (Array.isArray(added) ? added.filter((name): name is string => typeof name === 'string') : []).map((name) => roster(settings, owner, name, 'ban'));
    }
    const unblock = /^\/users\/([^/]+)\/blocks\/users\/([^/]+)$/.exec(answered.path);
    if (unblock && answered.method === 'DELETE') return [roster(settings, decodeURIComponent(unblock[1]!), decodeURIComponent(unblock[2]!), 'allow')];
    return [];
  };
}
