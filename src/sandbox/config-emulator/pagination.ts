/**
 * Pure pagination helpers. A NextToken is an opaque base64url JSON `{s, o}`: `s` names the
 * listing it belongs to (operation plus the request fields that shape it), `o` the next offset.
 * A token from another listing, or one that is not ours, is `InvalidNextTokenException`.
 */
import { orgPackApiLimits } from '../../facts/limits.js';
import { EmulatorError } from './errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** `Limit` 0–max (default 100) where 0 (or absent) means max; anything else is `InvalidLimitException`. */
export function resolveLimit(limit: unknown, max: number = orgPackApiLimits.pageLimit): number {
  if (limit === undefined || limit === null || limit === 0) return max;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > max) {
    throw new EmulatorError(
      'InvalidLimitException',
      `Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return limit;
}

export function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset }), 'utf8').toString('base64url');
}

export function decodeToken(token: unknown, scope: string): number {
  const invalid = new EmulatorError('InvalidNextTokenException', 'The nextToken provided is invalid');
  if (typeof token !== 'string' || token.length === 0) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid;
  const { s, o } = parsed as { s?: unknown; o?: unknown };
  if (s !== scope || typeof o !== 'number' || !Number.isInteger(o) || o < 0) throw invalid;
  return o;
}

/** One page of `all` (already in a stable order) for the given Limit (at most `max`) and NextToken. */
export function paginate<T>(
  all: readonly T[],
  scope: string,
  limit: unknown,
  nextToken: unknown,
  max: number = orgPackApiLimits.pageLimit,
): Page<T> {
  const size = resolveLimit(limit, max);
  const start = nextToken === undefined || nextToken === null ? 0 : decodeToken(nextToken, scope);
  if (start > all.length)
    throw new EmulatorError('InvalidNextTokenException', 'The nextToken provided is invalid');
  const items = all.slice(start, start + size);
  const end = start + items.length;
  return end < all.length ? { items, nextToken: encodeToken(scope, end) } : { items };
}
