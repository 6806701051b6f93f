// config.example.yaml stays valid: every key it documents is one the schema accepts.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

describe('config.example.yaml', () => {
  it('loads with its environment variables set', () => {
    const path = fileURLToPath(new URL('../../config.example.yaml', import.meta.url));
    const config = loadConfig(path, {
      IMBRIDGE_KEY: 'example-key-0123456789',
      WK_MANAGER_TOKEN: 'wk-token',
      AGORA_APP_ID: '0123456789abcdef0123456789abcdef',
      AGORA_CERT: 'fedcba9876543210fedcba9876543210',
      OPENIM_SECRET: 'openIM123',
      WF_SECRET: 'wf-secret',
      COMPAT_WK_TOKEN: 'compat-token',
      COMPAT_OPENIM_SECRET: 'compat-openim',
      COMPAT_WF_SECRET: 'compat-wildfire',
      COMPAT_AGORA_APP_ID: 'abcdefabcdefabcdefabcdefabcdef01',
      COMPAT_AGORA_CERT: '0123456789abcdef0123456789abcdef',
      WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      CALLBACK_TOKEN: 'callback-token-0123456789',
    });
    expect(Object.keys(config.compat).sort()).toEqual(['agora', 'openim', 'wildfire', 'wukongim']);
    expect(Object.keys(config.backends)).toEqual(['local', 'mem', 'wk', 'agora', 'oim', 'wf']);
    expect(config.events?.webhooks[0]?.secret).toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(config.auth.apiKeys[0]).toEqual({ key: 'example-key-0123456789', name: 'app-server', backends: ['*'] });
  });
});
