/**
 * JSON that keeps int64 values exact. Vendors send ids above 2^53 (message ids, whitelist
 * row ids); `JSON.parse` would silently round them.
 */
import { isSafeNumber, parse, stringify } from 'lossless-json';

/** Parses JSON; integers beyond Number's safe range come back as `bigint`, everything else as usual. */
export function parseJson(text: string): unknown {
  return parse(text, null, (value: string) => {
    if (isSafeNumber(value)) return Number(value);
    // Only integers lose precision in a way ids care about; a long decimal stays a Number.
    return /^-?\d+$/.test(value) ? BigInt(value) : Number(value);
  });
}

/** Stringifies JSON; `bigint` values are written as bare JSON numbers, exactly. `space` indents, as in JSON.stringify. */
export function stringifyJson(value: unknown, space?: number): string {
  return stringify(value, undefined, space) ?? 'null';
}

/** An int64 value from a vendor (number or bigint) as the exact decimal string the unified API uses. */
export function int64ToString(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string') return value;
  throw new TypeError(`not an integer: ${String(value)}`);
}
