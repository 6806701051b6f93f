/**
 * Start-up: the config schema accepts the documented blocks and refuses others; createBackend
 * refuses credentials agora-token cannot sign with (it would build an empty token, §3), naming
 * the config key; the fake's printed block is a valid config.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createBackend, type AgoraConfig } from '../../backend/index.js';
import { buildAppToken } from '../../backend/client.js';
import { createFake } from '../../fake/index.js';
import type { BackendContext, ImBridgeError } from '../../../../src/spec/index.js';

const schema = JSON.parse(readFileSync(new URL('../../backend.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const silent = () => undefined;
const context: BackendContext = {
  name: 'a',
  logger: { debug: silent, info: silent, warn: silent, error: silent },
  changes: { emit: silent },
  now: Date.now,
};
const good = { vendor: 'agora', baseUrl: 'https://a41.chat.agora.io', orgName: 'org', appName: 'app', appId: '0123456789abcdef0123456789abcdef', appCertificate: 'fedcba9876543210fedcba9876543210' };

describe('agora config schema', () => {
  it.each([
    ['the docs/api.md example', good],
    ['the /app-id/{appId} form', { ...good, orgName: undefined, appName: undefined }],
    ['timeouts, token lifetime and retries', { ...good, timeoutMs: 2000, tokenTtlSeconds: 600, retry: { maxAttempts: 2, baseDelayMs: 10 } }],
    ['the fake\'s printed block', createFake().backendConfigFor('http://127.0.0.1:1234')],
  ])('accepts %s', (_name, block) => {
    expect(validate(JSON.parse(JSON.stringify(block))), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an unknown key', { ...good, secret: 'x' }],
    ['a missing appCertificate', { ...good, appCertificate: undefined }],
    ['an App ID that is not 32 hex characters', { ...good, appId: 'my-app' }],
    ['orgName without appName', { ...good, appName: undefined }],
    ['a token lifetime over 24 h', { ...good, tokenTtlSeconds: 90_000 }],
  ])('refuses %s', (_name, block) => {
    expect(validate(JSON.parse(JSON.stringify(block)))).toBe(false);
  });
});

describe('agora createBackend', () => {
  it.each([
    ['appId', { appId: 'not-hex-at-all' }],
    ['appCertificate', { appCertificate: '0123' }],
  ] as Array<[string, { appId?: string; appCertificate?: string }]>)('refuses credentials agora-token cannot sign with, naming %s', async (key, override) => {
    expect(buildAppToken(override.appId ?? good.appId, override.appCertificate ?? good.appCertificate, 60)).toBe('');
    const failure = (await createBackend({ ...good, ...override } as AgoraConfig, context).catch((error: unknown) => error)) as ImBridgeError;
    expect(failure.code).toBe('INVALID_ARGUMENT');
    expect(failure.details).toEqual({ key });
    expect(failure.message).toContain(key);
    expect(failure.message).not.toContain(good.appCertificate);
  });

  it('builds a backend with the vendor, ID rule and capabilities of Agora', async () => {
    const backend = await createBackend(good as AgoraConfig, context);
    expect(backend.vendor).toBe('agora');
    expect(backend.idRule.pattern).toBe('^(?!\\.{1,2}$)[a-z0-9_.-]{1,64}$');
    expect(backend.capabilities['chatrooms.whitelist.add']).toBe(true);
    expect(backend.capabilities['friendRequests.send']).toBe(false);
    await backend.close();
  });
});
