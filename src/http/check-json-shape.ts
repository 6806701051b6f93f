/**
 * Checks a parsed JSON value before anything recursive (cloning, schema validation) touches it:
 * its nesting depth, and that every string, keys included, is well-formed UTF-16. A body nested
 * thousands deep would overflow the stack in those recursive steps (a 500 for bad input), and a
 * lone surrogate would be stored as U+FFFD, so the stored text would differ from what was sent.
 */

/** Deeper than any body of the API (the deepest is 3 levels); generous so no valid body is near it. */
export const MAX_JSON_DEPTH = 32;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type JsonShapeProblem = { kind: 'depth'; path: string } | { kind: 'surrogate'; path: string };

/** The first problem found, walking without recursion; null when the value is fine. */
export function jsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonShapeProblem | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return { kind: 'surrogate', path: path || '/' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'depth', path: path || '/' };
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, depth: depth + 1, path: `${path}/${index}` }));
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (LONE_SURROGATE.test(key)) return { kind: 'surrogate', path: `${path}/${key}` };
      stack.push({ value: item, depth: depth + 1, path: `${path}/${key}` });
    }
  }
  return null;
}
