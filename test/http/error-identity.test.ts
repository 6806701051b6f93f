/**
 * Errors keep their meaning across copies of the spec and across the wire: the identity of a
 * unified error is a registered-symbol marker, and the HTTP status comes from the code and the
 * call, so an imbridge serving another imbridge answers exactly as the first one does.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectHttpBackend, serveImbridge } from '../../src/conformance/index.js';
import { ImBridgeError, NotFoundError, PolicyError, fromErrorBody } from '../../src/spec/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

const servers: RunningImbridge[] = [];
const directory = mkdtempSync(join(tmpdir(), 'imbridge-copy-'));
afterAll(async () => {
  for (const server of servers.reverse()) await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('error identity', () => {
  it('an error from a second copy of the spec module is an ImBridgeError to this one', async () => {
    const copy = join(directory, 'errors.ts');
    copyFileSync(new URL('../../src/spec/errors.ts', import.meta.url), copy);
    const other = (await import(copy)) as typeof import('../../src/spec/errors.js');
    expect(other.ImBridgeError).not.toBe(ImBridgeError);
    const foreign = new other.PolicyError('BLOCKED', 'blocked over there');
    expect(ImBridgeError.is(foreign)).toBe(true);
    expect(foreign instanceof ImBridgeError).toBe(true);
    // Subclasses keep the ordinary test: a copy's PolicyError is not this copy's NotFoundError.
    expect(foreign instanceof NotFoundError).toBe(false);
    expect(ImBridgeError.is(new Error('plain'))).toBe(false);
    expect({ code: 'BLOCKED' } instanceof ImBridgeError).toBe(false);
  });

  it('an error rebuilt from the envelope has the class its code gives', () => {
    const rebuilt = fromErrorBody({ code: 'BLOCKED', message: 'no', retryable: false });
    expect(rebuilt).toBeInstanceOf(PolicyError);
    const missing = fromErrorBody({ code: 'USER_NOT_FOUND', message: 'no', retryable: false });
    expect(missing).toBeInstanceOf(NotFoundError);
  });
});

describe('an imbridge serving another imbridge', () => {
  it('answers GET …/friends/{b} without an entry with 404 NOT_FRIENDS, as the first one does', async () => {
    const first = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
    servers.push(first);
    const remote = await connectHttpBackend({ url: first.url });
    const second = await serveImbridge({ defaultBackend: 'remote', backends: { remote: { vendor: 'native', store: { driver: 'memory' } } } }, { provided: new Map([['remote', remote]]) });
    servers.push(second);
    for (const uid of ['ann', 'cat']) {
      const put = await fetch(`${second.url}/v1/users/${uid}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(put.status).toBe(200);
    }
    for (const server of [first, second]) {
      const answer = await fetch(`${server.url}/v1/users/ann/friends/cat`);
      expect(answer.status, server.url).toBe(404);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('NOT_FRIENDS');
      const patched = await fetch(`${server.url}/v1/users/ann/friends/cat`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"alias":"x"}' });
      expect(patched.status, server.url).toBe(404);
    }
  });
});
