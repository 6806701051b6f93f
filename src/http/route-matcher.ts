/**
 * RouteMatcher: finds the `/v1` operation a request names, in one lookup instead of one express
 * layer per route and kind (96 of them, walked in turn on every request, each with its own
 * parameter pass). It keeps express's matching rules, so moving routes here changes no answer:
 * paths match case-insensitively, one trailing slash is allowed, a parameter is one non-empty
 * segment, percent-decoded (a segment that does not decode is a URIError, which the error
 * handler answers as INVALID_ID), HEAD is answered by the GET route, and of two routes that both
 * match, the one first in the table wins.
 */
import type { RouteDefinition } from './routes.js';

export interface RouteMatch {
  route: RouteDefinition;
  /** The express-style path the match was made against (`{kind}` replaced by its literal). */
  path: string;
  params: Record<string, string>;
}

interface Candidate {
  route: RouteDefinition;
  path: string;
  pattern: RegExp;
  names: string[];
}

/** The concrete paths of a table path: `{kind}` stands for both room kinds. */
export function concretePaths(route: RouteDefinition): string[] {
  if (!route.path.includes('{kind}')) return [route.path];
  return ['groups', 'chatrooms'].map((kind) => route.path.replace('{kind}', kind));
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
}

function decodeParameter(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (error instanceof URIError) error.message = `Failed to decode param '${value}'`;
    throw error;
  }
}

export class RouteMatcher {
  /** By method, then by segment count: a parameter is one segment, so the count narrows the search. */
  private readonly candidates = new Map<string, Map<number, Candidate[]>>();

  constructor(routes: readonly RouteDefinition[]) {
    for (const route of routes) {
      for (const path of concretePaths(route)) {
        const names: string[] = [];
        const source = path
          .split(/\{(\w+)\}/)
          .map((part, index) => {
            if (index % 2 === 0) return escapeLiteral(part);
            names.push(part);
            return '([^/]+)';
          })
          .join('');
        const candidate: Candidate = { route, path, pattern: new RegExp(`^${source}/?$`, 'i'), names };
        const segments = path.split('/').length;
        let byCount = this.candidates.get(route.method);
        if (!byCount) this.candidates.set(route.method, (byCount = new Map()));
        const list = byCount.get(segments) ?? [];
        list.push(candidate);
        byCount.set(segments, list);
      }
    }
  }

  /** The operation for `method` and `pathname` (no query), or undefined when none matches. */
  match(method: string, pathname: string): RouteMatch | undefined {
    const byCount = this.candidates.get(method === 'HEAD' ? 'GET' : method);
    if (!byCount) return undefined;
    const segments = pathname.split('/').length - (pathname.length > 1 && pathname.endsWith('/') ? 1 : 0);
    for (const candidate of byCount.get(segments) ?? []) {
      const found = candidate.pattern.exec(pathname);
      if (!found) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, index) => {
        params[name] = decodeParameter(found[index + 1]!);
      });
      return { route: candidate.route, path: candidate.path, params };
    }
    return undefined;
  }
}
