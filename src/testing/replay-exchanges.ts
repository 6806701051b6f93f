/**
 * Recorded exchanges with a real vendor server, replayed against a fake. `imbridge conformance
 * --record` keeps what imbridge sent and what the real server answered; CI sends the same
 * requests, in the same order, to a fresh fake and requires the same answers. Values the server
 * makes up on its own (times, generated ids) are compared by kind, not by value.
 */
import { parseJson, stringifyJson } from '../runtime/index.js';

export interface ExchangeRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  contentType?: string;
  /** Whether the request carried credentials (their values are never kept). */
  credentials: boolean;
  /** Parsed JSON (int64 as bigint) when the body was JSON, else the text; absent for no body. */
  body?: unknown;
}

export interface ExchangeResponse {
  status: number;
  contentType?: string;
  body?: unknown;
}

export interface RecordedExchange {
  /** The facet and test that caused it. */
  facet: string;
  test: string | null;
  /** Milliseconds since the facet began; replay keeps the longer gaps (timed mutes, flushes). */
  atMs: number;
  request: ExchangeRequest;
  response: ExchangeResponse;
}

export interface ExchangeFixture {
  vendor: string;
  /** What the real server was (version, settings). */
  target?: string;
  recordedAt: string;
  exchanges: RecordedExchange[];
}

export interface ReplayTarget {
  url: string;
  /** Valid credentials for the fake, for a request that carried credentials when recorded. */
  credentials(request: ExchangeRequest): Record<string, string>;
}

export interface ReplayOptions {
  /**
   * Keys whose arrays are sets on this vendor (the server returns them in hash order): compared
   * sorted.
   */
  unorderedKeys?: readonly string[];
  /**
   * Keys whose string values the server generates (a group id it picks): from the answer on, the
   * recorded value stands for the fake's, in later requests and in the recorded answers.
   */
  generatedKeys?: readonly string[];
}

export interface ReplayDifference {
  index: number;
  test: string | null;
  request: string;
  recorded: unknown;
  replayed: unknown;
}

export interface ReplayResult {
  /** Answers compared (a poll's intermediate answers are not). */
  compared: number;
  differences: ReplayDifference[];
}

/** Gaps longer than this were waits in the test (a mute expiring); replay waits them out too. */
const KEPT_GAP_MS = 150;

/** Keys whose values the server picks from its clock. */
const TIME_KEYS = new Set(['created_at', 'updated_at', 'createdAt', 'updatedAt', 'timestamp', 'version', 'createTime', 'updateTime', 'dt', 'timestampMs']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

/** The comparable form of a body: server clocks and generated ids become their kind. */
export function normalizeBody(value: unknown, key?: string, options: ReplayOptions = {}): unknown {
  if (key !== undefined && TIME_KEYS.has(key) && value !== null && value !== undefined) return '<time>';
  if (Array.isArray(value)) {
    const entries = value.map((entry) => normalizeBody(entry, undefined, options));
    if (key !== undefined && options.unorderedKeys?.includes(key)) return entries.sort((left, right) => (stringifyJson(left) < stringifyJson(right) ? -1 : 1));
    return entries;
  }
  if (typeof value === 'bigint') return '<id>';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= 1e9 ? '<id>' : value;
  if (typeof value === 'string') {
    if (ISO_TIME.test(value)) return '<time>';
    if (/^\d{12,}$/.test(value)) return '<id>';
    return value;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
        .map(([entryKey, entry]) => [entryKey, normalizeBody(entry, entryKey, options)]),
    );
  }
  return value;
}

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

function sameRequest(left: ExchangeRequest, right: ExchangeRequest): boolean {
  return left.method === right.method && left.path === right.path && stringifyJson(left.body ?? null) === stringifyJson(right.body ?? null);
}

function parseAnswer(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{"]/.test(text)) {
    try {
      return parseJson(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Pairs of (recorded, replayed) values at `keys`, walking both bodies in step. */
function generatedPairs(recorded: unknown, replayed: unknown, keys: readonly string[], pairs: Map<string, string>): void {
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    recorded.forEach((entry, index) => generatedPairs(entry, replayed[index], keys, pairs));
    return;
  }
  if (recorded && replayed && typeof recorded === 'object' && typeof replayed === 'object') {
    for (const [key, entry] of Object.entries(recorded as Record<string, unknown>)) {
      const other = (replayed as Record<string, unknown>)[key];
      if (keys.includes(key) && typeof entry === 'string' && typeof other === 'string' && entry !== other) pairs.set(entry, other);
      else generatedPairs(entry, other, keys, pairs);
    }
  }
}

function substitute(text: string, pairs: ReadonlyMap<string, string>): string {
  let result = text;
  for (const [recorded, replayed] of pairs) result = result.split(recorded).join(replayed);
  return result;
}

/** Sends every recorded request to `target` in order and lists the answers that differ. */
export async function replayExchanges(exchanges: readonly RecordedExchange[], target: ReplayTarget, options: ReplayOptions = {}): Promise<ReplayResult> {
  const differences: ReplayDifference[] = [];
  const generated = new Map<string, string>();
  let compared = 0;
  let previousAt = 0;
  let previousFacet: string | undefined;
  for (const [index, exchange] of exchanges.entries()) {
    if (exchange.facet !== previousFacet) previousAt = exchange.atMs;
    const gap = exchange.atMs - previousAt;
    if (gap > KEPT_GAP_MS) await new Promise((resolve) => setTimeout(resolve, Math.min(gap, 10_000)));
    previousAt = exchange.atMs;
    previousFacet = exchange.facet;
    const { request } = exchange;
    const headers: Record<string, string> = { ...(request.contentType ? { 'content-type': request.contentType } : {}), ...(request.credentials ? target.credentials(request) : {}) };
    const recordedBody = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : stringifyJson(request.body);
    const body = recordedBody === undefined ? undefined : substitute(recordedBody, generated);
    const answer = await fetch(new URL(substitute(request.path, generated), target.url), { method: request.method, headers, ...(body === undefined ? {} : { body }) });
    const text = await answer.text();
    const contentType = answer.headers.get('content-type') ?? undefined;
    const answerBody = parseAnswer(text, contentType);
    if (options.generatedKeys?.length) generatedPairs(exchange.response.body, answerBody, options.generatedKeys, generated);
    // A run of identical requests is a poll (waiting for the server to catch up): only the
    // answer that ended it is compared, since a fake may be ready sooner than the real server.
    const next = exchanges[index + 1];
    if (next && sameRequest(next.request, request)) continue;
    compared += 1;
    const replayed = { status: answer.status, type: mediaType(contentType), body: normalizeBody(answerBody, undefined, options) };
    const recordedAnswer = generated.size > 0 && exchange.response.body !== undefined ? parseJson(substitute(stringifyJson(exchange.response.body), generated)) : exchange.response.body;
    const recorded = { status: exchange.response.status, type: mediaType(exchange.response.contentType), body: normalizeBody(recordedAnswer, undefined, options) };
    if (stringifyJson(replayed) !== stringifyJson(recorded)) {
      differences.push({ index, test: exchange.test, request: `${request.method} ${request.path}`, recorded, replayed });
    }
  }
  return { compared, differences };
}

/** Reads a fixture file's text (int64 values exact). */
export function parseFixture(text: string): ExchangeFixture {
  return parseJson(text) as ExchangeFixture;
}
