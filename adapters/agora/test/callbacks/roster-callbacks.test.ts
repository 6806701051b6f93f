// Agora's roster callbacks read as the vendor sends them (Easemob's callback page, NOTES.md
// "Callbacks"): `from` carries the app key and a domain, `add` is a client's friend request,
// `accept`/`decline` reach the one who answered (their `remote_` twins are the same change).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agoraCallbacks } from '../../callbacks/agora-callbacks.js';

const SECRET = 'console-callback-secret';
const APPKEY = 'org#app';

function callback(operation: string, from: string, to: string) {
  const callId = `${APPKEY}_966725899779049516`;
  const timestamp = 1642648213494;
  const body = {
    chat_type: 'roster',
    callId,
    security: createHash('md5').update(`${callId}${SECRET}${timestamp}`).digest('hex'),
    payload: { roster_ver: 'DD6E14FE5EE5A9ABC52CA86C5DE1601CF729BFD6', operation },
    host: 'host',
    appkey: APPKEY,
    from: `${APPKEY}_${from}@easemob.com`,
    to,
    eventType: 'chat',
    msg_id: '966725899779049516',
    timestamp,
  };
  return agoraCallbacks.read({ path: '', query: {}, headers: {}, rawBody: JSON.stringify(body), body }, { secret: SECRET }, {}).changes;
}

describe('Agora roster callbacks', () => {
  it('takes the uid out of `from` ({appkey}_{uid}@easemob.com)', () => {
    expect(callback('ban', 'alice', 'bob')).toEqual([
      { type: 'block.added', target: { uid: 'alice', blocked: 'bob' }, actor: 'alice', after: { uid: 'alice', blocked: 'bob' }, time: '2022-01-20T03:10:13.494Z' },
    ]);
    expect(callback('allow', 'alice', 'bob')[0]).toMatchObject({ type: 'block.deleted', target: { uid: 'alice', blocked: 'bob' } });
    expect(callback('remove', 'alice', 'bob')[0]).toMatchObject({ type: 'friend.deleted', target: { uid: 'alice', friend: 'bob', mode: 'mutual' }, actor: 'alice' });
  });

  it('`add` is a friend request sent, not a friendship', () => {
    expect(callback('add', 'alice', 'bob')).toEqual([
      { type: 'friendRequest.added', target: { from: 'alice', to: 'bob' }, actor: 'alice', after: { from: 'alice', to: 'bob', status: 'pending' }, time: '2022-01-20T03:10:13.494Z' },
    ]);
  });

  it('an acceptance is one friendship made by the user who accepted; its requester-side twin adds nothing', () => {
    expect(callback('accept', 'alice', 'bob')).toEqual([
      { type: 'friend.added', target: { uid: 'bob', friend: 'alice', mode: 'mutual' }, actor: 'bob', after: { uid: 'bob', friend: 'alice' }, time: '2022-01-20T03:10:13.494Z' },
    ]);
    expect(callback('remote_accept', 'bob', 'alice')).toEqual([]);
    expect(callback('decline', 'alice', 'bob')[0]).toMatchObject({ type: 'friendRequest.rejected', target: { from: 'alice', to: 'bob' }, actor: 'bob' });
    expect(callback('remote_decline', 'bob', 'alice')).toEqual([]);
  });
});

describe('the Agora fake sends the callbacks the vendor sends', () => {
  it('none for a REST contact add; remove, ban and allow with `from` in the vendor form', async () => {
    const { createServer } = await import('node:http');
    const { startHarness } = await import('../backend/harness.js');
    const received: Array<{ from: string; to: string; operation: string }> = [];
    const receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(text) as { from: string; to: string; payload: { operation: string } };
        received.push({ from: body.from, to: body.to, operation: body.payload.operation });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const harness = await startHarness();
    try {
      harness.fake.callbacks.url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`;
      const appkey = `${harness.fake.backendConfig.orgName as string}#${harness.fake.backendConfig.appName as string}`;
      await harness.backend.users.putMany([{ uid: 'alice' }, { uid: 'bob' }]);
      await harness.backend.friends.put('alice', 'bob', {});
      await harness.backend.blocks.put('alice', 'bob');
      await harness.backend.blocks.remove('alice', 'bob');
      await harness.backend.friends.remove('alice', 'bob', 'mutual');
      await harness.fake.callbacks.settled();
      expect(received).toEqual(
        ['ban', 'allow', 'remove'].map((operation) => ({ from: `${appkey}_alice@easemob.com`, to: 'bob', operation })),
      );
    } finally {
      await harness.close();
      receiver.close();
    }
  });
});
