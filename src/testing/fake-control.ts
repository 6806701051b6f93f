/**
 * What every vendor fake shares: a request log (for request-shape and pass-through tests) and a
 * fault hook (make the Nth call of a route answer a status, hang past the client's timeout, or
 * drop the connection). In-process tests use the object directly; a fake run as a process exposes
 * the same under `/__fake/…`, outside the vendor's own route space.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text as received (exact, int64 included). */
  rawBody: string;
  at: number;
}

export type FaultKind = 'status' | 'hang' | 'drop';

export interface FaultSpec {
  /** `METHOD /path` as the vendor routes it (`POST /channel/whitelist_add`), or `*` for any route. */
  route: string;
  /** Which call of that route, counted from when the fault is added, 1-based. Default 1. */
  nth?: number;
  /** How many consecutive calls from the nth on get the fault. Default 1. */
  times?: number;
  kind: FaultKind;
  /** For `status`: the HTTP status, headers and body (JSON value or raw string) to answer. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface ActiveFault extends Required<Pick<FaultSpec, 'route' | 'nth' | 'times' | 'kind'>> {
  spec: FaultSpec;
  seen: number;
}

/**
 * What the all-or-nothing facet needs of a target: a log that grows by one entry per call the
 * backend makes to its store (a vendor fake's request log, or a store's statement log), and a way
 * to make the nth call from now fail.
 */
export interface FaultHook {
  readonly requests: readonly unknown[];
  addFault(spec: FaultSpec): void;
  clearFaults(): void;
}

export class FakeControl implements FaultHook {
  readonly requests: RecordedRequest[] = [];
  private faults: ActiveFault[] = [];
  private readonly hanging = new Set<Response>();

  /** Adds a fault; several may be active at once, the first matching one applies. */
  addFault(spec: FaultSpec): void {
    this.faults.push({ route: spec.route, nth: spec.nth ?? 1, times: spec.times ?? 1, kind: spec.kind, spec, seen: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests whose `METHOD /path` equals `route`. */
  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((request) => `${request.method} ${request.path}` === route);
  }

  /**
   * Body parsing for a fake: keeps the raw text for the log and parses JSON losslessly with the
   * given parser (a vendor's own decoder rules differ; the fake decides what a bad body means).
   */
  rawBody(): express.RequestHandler {
    return express.text({ type: () => true, limit: '10mb' });
  }

  /** Records the request and applies a due fault; mount after `rawBody()` and before the routes. */
  middleware(): express.RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      if (request.path.startsWith('/__fake')) return next();
      const route = `${request.method} ${request.path}`;
      this.requests.push({
        method: request.method,
        path: request.path,
        query: { ...request.query },
        headers: { ...request.headers },
        rawBody: typeof request.body === 'string' ? request.body : '',
        at: Date.now(),
      });
      const fault = this.dueFault(route);
      if (!fault) return next();
      if (fault.kind === 'drop') {
        request.socket.destroy();
        return;
      }
      if (fault.kind === 'hang') {
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return;
      }
      response.status(fault.spec.status ?? 500);
      for (const [name, value] of Object.entries(fault.spec.headers ?? {})) response.setHeader(name, value);
      if (fault.spec.body === undefined) response.end();
      else if (typeof fault.spec.body === 'string') response.send(fault.spec.body);
      else response.json(fault.spec.body);
    };
  }

  /**
   * Every fault counts every call of its route, whether or not another fault answered it, so
   * two faults on one route each count from the moment they were added.
   */
  private dueFault(route: string): ActiveFault | undefined {
    let due: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (fault.route !== '*' && fault.route !== route) continue;
      fault.seen += 1;
      if (!due && fault.seen >= fault.nth && fault.seen < fault.nth + fault.times) due = fault;
    }
    return due;
  }

  /** Ends hanging responses so a fake can shut down promptly. */
  releaseHanging(): void {
    for (const response of this.hanging) response.socket?.destroy();
    this.hanging.clear();
  }

  /**
   * `/__fake` control routes for a fake run as a process: GET/DELETE requests, POST/DELETE faults,
   * GET state (the backdoor read of the fake's own state), POST reset.
   */
  router(state: () => unknown, reset: () => void): Router {
    const router = express.Router();
    router.get('/__fake/requests', (_request, response) => {
      response.json(this.requests);
    });
    router.delete('/__fake/requests', (_request, response) => {
      this.clearRequests();
      response.status(204).end();
    });
    router.post('/__fake/faults', (request, response) => {
      const spec = JSON.parse(typeof request.body === 'string' && request.body !== '' ? request.body : '{}') as FaultSpec;
      this.addFault(spec);
      response.status(204).end();
    });
    router.delete('/__fake/faults', (_request, response) => {
      this.clearFaults();
      response.status(204).end();
    });
    router.get('/__fake/state', (_request, response) => {
      response.type('application/json').send(JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
    });
    router.post('/__fake/reset', (_request, response) => {
      reset();
      this.clearFaults();
      this.clearRequests();
      response.status(204).end();
    });
    return router;
  }
}
