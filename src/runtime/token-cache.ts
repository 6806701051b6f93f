/**
 * Vendor admin tokens (app tokens, admin tokens) are fetched once, kept until shortly
 * before they expire, fetched by one caller at a time, and dropped when the vendor refuses them.
 */
import { LRUCache } from 'lru-cache';

export interface IssuedToken {
  token: string;
  /** Lifetime in ms from now. */
  ttlMs: number;
}

export class TokenCache {
  private readonly cache: LRUCache<'token', string>;
  private pending: Promise<string> | null = null;

  /**
   * @param fetchToken obtains a fresh token and its lifetime.
   * @param marginMs how long before expiry a token is no longer handed out.
   */
  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly marginMs = 60_000,
  ) {
    this.cache = new LRUCache<'token', string>({ max: 1, ttlAutopurge: false });
  }

  async get(): Promise<string> {
    const cached = this.cache.get('token');
    if (cached !== undefined) return cached;
    this.pending ??= this.fetchToken()
      .then(({ token, ttlMs }) => {
        const ttl = Math.max(1_000, ttlMs - this.marginMs);
        this.cache.set('token', token, { ttl });
        return token;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Forgets the token (the vendor refused it); the next `get` fetches anew. */
  invalidate(): void {
    this.cache.delete('token');
  }
}
