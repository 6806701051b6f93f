// Credentials are compared through sameSecret (review S-3): right only for the exact secret,
// whatever the guess shares with it; the comparison itself is node's timingSafeEqual over hashes.
import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../src/runtime/index.js';

describe('sameSecret', () => {
  it('accepts exactly the configured secret', () => {
    expect(sameSecret('s3cret-token', 's3cret-token')).toBe(true);
  });

  it('refuses a prefix, an extension, a same-length guess, a case change, empty and absent', () => {
    for (const guess of ['s3cret', 's3cret-token!', 's3cret-tokeN', 'S3CRET-TOKEN', '', undefined]) {
      expect(sameSecret(guess, 's3cret-token'), String(guess)).toBe(false);
    }
  });

  it('compares text as UTF-8, so look-alike code points differ', () => {
    expect(sameSecret('caf\u00e9', 'cafe\u0301')).toBe(false);
  });
});
