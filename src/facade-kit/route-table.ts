/**
 * Whether a facade router would answer a request with one of its own routes, read from the
 * router's own table (express's `router` package: its layers, their matchers and their routes'
 * methods) so the lane before express (src/http/mount-compat.ts) and the router cannot disagree
 * about what is translated. A layer this table cannot see into counts as answering: a mistake
 * here only costs the lane's speed, never sends a translated request upstream.
 */
import type { Router } from 'express';

/** The parts of a layer of express's `router` this table reads. */
interface Layer {
  handle: unknown;
  route?: { _handlesMethod(method: string): boolean };
  match(path: string): false | { path: string };
}

/** True when a route of the router (or of a router mounted in it) takes `method path`. */
export type RouteTable = (method: string, pathname: string) => boolean;

function layersOf(handle: unknown): readonly Layer[] | undefined {
  const stack = (handle as { stack?: unknown } | null)?.stack;
  return Array.isArray(stack) ? (stack as Layer[]) : undefined;
}

/**
 * `transparent` are the router's own middleware that never answer a request the lane would take:
 * the credential check (the lane runs the same check itself), the pass-through, the fallback
 * behind it.
 */
export function routeTable(router: Router, transparent: readonly unknown[]): RouteTable {
  const passing = new Set(transparent);
  const takes = (layers: readonly Layer[], method: string, path: string): boolean => {
    for (const layer of layers) {
      let match: false | { path: string };
      try {
        match = layer.match(path);
      } catch {
        // The router answers a path it cannot decode with its error handler.
        return true;
      }
      if (!match) continue;
      if (layer.route) {
        // The router gives HEAD to a route whose path matches even without a HEAD or GET handler,
        // and a router whose routes match an OPTIONS request's path answers it with their methods.
        if (method === 'HEAD' || method === 'OPTIONS' || layer.route._handlesMethod(method)) return true;
        continue;
      }
      // An error handler (four parameters) does not see a request without an error.
      if (passing.has(layer.handle) || (typeof layer.handle === 'function' && layer.handle.length > 3)) continue;
      const nested = layersOf(layer.handle);
      if (nested === undefined) return true;
      const rest = path.slice(match.path.length);
      if (takes(nested, method, rest.startsWith('/') ? rest : `/${rest}`)) return true;
    }
    return false;
  };
  const layers = layersOf(router);
  if (layers === undefined) throw new Error('routeTable: not an express router');
  return (method, pathname) => takes(layers, method, pathname);
}
