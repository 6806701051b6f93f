/**
 * Agora Chat's post-delivery callbacks for contact (roster) changes (NOTES.md, "Callbacks"): a
 * JSON body with `callId` (`{appkey}_{uuid}`), `timestamp` (ms), `chat_type: "roster"`, `from`
 * (`{appkey}_{uid}@easemob.com`), `to` (a bare uid), `payload.operation` and `security`, the MD5
 * of `callId + secret + timestamp`. Of what the REST API does, the vendor reports a contact
 * removal (`remove`) and block-list changes (`ban`, `allow`); a REST contact add has no callback
 * (`add` is a client's friend request), so the fake sends none for it.
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
    body: { callId, eventType: 'chat', chat_type: 'roster', timestamp, appkey: settings.appKey, from: `${settings.appKey}_${from}@easemob.com`, to, msg_id: randomUUID(), payload: { operation }, security },
  };
}

export function agoraCallbacks(settings: AgoraCallbackSettings): (answered: AnsweredRequest) => OutgoingCallback[] {
  return (answered) => {
    if (answered.status !== 200) return [];
    const contact = /^\/users\/([^/]+)\/contacts\/users\/([^/]+)$/.exec(answered.path);
    if (contact) {
      const [owner, friend] = [decodeURIComponent(contact[1]!), decodeURIComponent(contact[2]!)];
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
