/**
 * How a vendor fake emits the callbacks its vendor sends after a change: every answered request
 * is shown to the fake's own mapping (request in, the JSON answered), and the callbacks it names
 * are POSTed to the configured URL one after another, in the order the changes were made, after
 * the answer (vendors' after-hooks are asynchronous and best effort, and so is this).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface OutgoingCallback {
  /** Appended to the callback URL (`/callbackAfterAddFriendCommand`); none by default. */
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body: unknown;
}

/** What the fake answered one request with. */
export interface AnsweredRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** The request body parsed as JSON (undefined when it is not JSON). */
  body: unknown;
  status: number;
  /** The JSON the fake answered (undefined when it answered none). */
  answer: unknown;
}

export class CallbackEmitter {
  /** Where callbacks go; none are sent while it is undefined. */
  url: string | undefined;
  /** Callbacks POSTed and answered, for tests. */
  sent = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(url?: string) {
    this.url = url;
  }

  send(callbacks: readonly OutgoingCallback[]): void {
    const base = this.url;
    if (base === undefined || callbacks.length === 0) return;
    for (const callback of callbacks) {
      this.queue = this.queue.then(async () => {
        const url = new URL(base);
        url.pathname = `${url.pathname.replace(/\/$/, '')}${callback.path ?? ''}`;
        for (const [name, value] of Object.entries(callback.query ?? {})) url.searchParams.set(name, value);
        try {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...callback.headers }, body: JSON.stringify(callback.body), signal: AbortSignal.timeout(5_000) });
          await response.arrayBuffer();
          this.sent += 1;
        } catch {
          // The vendor's after-hooks do not retry either.
        }
      });
    }
  }

  /** Resolves once every callback queued so far has been sent (or given up). */
  settled(): Promise<void> {
    return this.queue;
  }

  /**
   * Middleware to mount before the fake's routes: it keeps what each request was answered and
   * hands it to `map` once the answer is out.
   */
  tap(map: (answered: AnsweredRequest) => OutgoingCallback[]): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      if (this.url === undefined) return next();
      let answer: unknown;
      const json = response.json.bind(response);
      response.json = (body: unknown) => {
        answer = body;
        return json(body);
      };
      const keep = (body: unknown) => {
        if (answer !== undefined || (typeof body !== 'string' && !Buffer.isBuffer(body))) return;
        try {
          answer = JSON.parse(body.toString());
        } catch {
          // Not JSON: nothing to map from.
        }
      };
      const send = response.send.bind(response);
      response.send = (body?: unknown) => {
        keep(body);
        return send(body);
      };
      // Some fakes write their envelope with end() to keep the vendor's exact content type.
      const end = response.end.bind(response) as (...parts: unknown[]) => Response;
      response.end = ((...parts: unknown[]) => {
        keep(parts[0]);
        return end(...parts);
      }) as Response['end'];
      response.on('finish', () => {
        let body: unknown;
        try {
          body = typeof request.body === 'string' && request.body !== '' ? JSON.parse(request.body) : request.body;
        } catch {
          body = undefined;
        }
        const answered: AnsweredRequest = { method: request.method, path: request.path, params: {}, query: { ...request.query }, body, status: response.statusCode, answer };
        try {
          this.send(map(answered));
        } catch {
          // A mapping that cannot read this request emits nothing for it.
        }
      });
      next();
    };
  }
}
