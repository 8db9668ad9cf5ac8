import { createHash } from 'node:crypto';
import { squareErrors, type SquareFailure } from './errors';

/**
 * Square's cursors: opaque, valid only with the query that made them ("Provide this cursor to
 * retrieve the next set of results for your original query"). A cursor sent with another query,
 * or one we did not make, is INVALID_CURSOR.
 */
export function pageOf<T>(items: T[], limit: number, cursor: string | undefined, query: unknown): { page: T[]; cursor?: string } | { failure: SquareFailure } {
  const fingerprint = createHash('sha256').update(JSON.stringify(query ?? null)).digest('base64url').slice(0, 16);
  let offset = 0;
  if (cursor !== undefined) {
    const decoded = decode(cursor);
    if (!decoded || decoded.q !== fingerprint) return { failure: squareErrors.invalid('INVALID_CURSOR', 'The pagination cursor is invalid or does not match the original query.', 'cursor') };
    offset = decoded.o;
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(JSON.stringify({ o: offset + limit, q: fingerprint })).toString('base64url') : undefined;
  return next === undefined ? { page } : { page, cursor: next };
}

function decode(cursor: string): { o: number; q: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && 'o' in value && 'q' in value && typeof value.o === 'number' && typeof value.q === 'string') return { o: value.o, q: value.q };
  } catch {
    // not one of ours
  }
  return undefined;
}

/** limit outside [min, max]: VALUE_TOO_LOW / VALUE_TOO_HIGH on `limit`. */
export function checkLimit(limit: number, min: number, max: number): SquareFailure | undefined {
  if (limit < min) return squareErrors.invalid('VALUE_TOO_LOW', `Value for limit must be at least ${min}.`, 'limit');
  if (limit > max) return squareErrors.invalid('VALUE_TOO_HIGH', `Value for limit must be at most ${max}.`, 'limit');
  return undefined;
}
