import { klaviyoErrors, type KlaviyoFailure } from './errors';

/**
 * Klaviyo's cursor pagination (https://developers.klaviyo.com/en/docs/pagination_): `links.self`,
 * `links.next` and `links.prev` are full URLs carrying `page[cursor]` ("…/api/profiles/?page%5Bcursor%5D=…");
 * the one that does not apply is `null` (as in Klaviyo's samples: `"prev": null`). The cursor is
 * base64 of a keyset position, as Klaviyo's own are ("bmV4dDo6aWQ6Oj…" = "next::id::01F3…",
 * klaviyo-api-python README): the page after a cursor starts strictly after that record in the
 * sort order, so a record written meanwhile that sorts later shows up on a later page, and one that
 * moves (its `updated` changes) can be seen twice or missed, as against Klaviyo.
 * A cursor made under another sort is refused (400 on `page[cursor]`, wording chosen).
 *
 * klaviyo-api strips a `links.next` URL down to its cursor only when it contains "https://"
 * (queryParamPreProcessor in dist/api/apis.js); the fake is served over http, so it accepts its
 * own link URL as the cursor, which is what the SDK would have sent for an https link.
 */
export interface SortOrder<T> {
  field: string;
  descending: boolean;
  key: (record: T) => string;
  id: (record: T) => string;
}

interface Cursor {
  direction: 'next' | 'prev';
  field: string;
  key: string;
  id: string;
}

export function sortRecords<T>(records: T[], order: SortOrder<T>): T[] {
  return [...records].sort((a, b) => compareKeys(order, [order.key(a), order.id(a)], [order.key(b), order.id(b)]));
}

function compareKeys<T>(order: SortOrder<T>, a: [string, string], b: [string, string]): number {
  const primary = order.field === 'id' ? 0 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  const result = primary !== 0 ? primary : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  return order.descending ? -result : result;
}

export function encodeCursor<T>(direction: 'next' | 'prev', order: SortOrder<T>, record: T): string {
  const text = order.field === 'id' ? `${direction}::id::${order.id(record)}` : `${direction}::${order.field}::${encodeURIComponent(order.key(record))}::id::${order.id(record)}`;
  return Buffer.from(text, 'utf8').toString('base64');
}

function decodeCursor(raw: string): Cursor | undefined {
  let text: string;
  try {
    text = Buffer.from(raw, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  const parts = text.split('::');
  const [direction, field] = parts;
  if (direction !== 'next' && direction !== 'prev') return undefined;
  if (field === 'id' && parts.length === 3 && parts[2]) return { direction, field, key: '', id: parts[2] };
  if (parts.length === 5 && field && parts[3] === 'id' && parts[4]) {
    try {
      return { direction, field, key: decodeURIComponent(parts[2] ?? ''), id: parts[4] };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `page[cursor]` as sent: a bare cursor, or one of the fake's own link URLs (see above). */
export function cursorParam(raw: string | null): string | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^https?:\/\//.test(raw)) return raw;
  try {
    const query = raw.split('?')[1] ?? '';
    return new URLSearchParams(decodeURI(query)).get('page[cursor]') ?? raw;
  } catch {
    return raw;
  }
}

export interface Page<T> {
  records: T[];
  next?: string;
  prev?: string;
}

/** One page of `sorted` (already in `order`) after/before the cursor. */
export function pageOf<T>(sorted: T[], size: number, rawCursor: string | undefined, order: SortOrder<T>): { ok: true; page: Page<T> } | { ok: false; failure: KlaviyoFailure } {
  let start = 0;
  let end = Math.min(size, sorted.length);
  if (rawCursor !== undefined) {
    const cursor = decodeCursor(rawCursor);
    const sortField = order.field === 'id' ? 'id' : order.field;
    if (!cursor || cursor.field !== sortField) return { ok: false, failure: klaviyoErrors.invalidParameter('page[cursor]', 'Invalid page cursor.') };
    const position: [string, string] = [cursor.key, cursor.id];
    if (cursor.direction === 'next') {
      start = sorted.findIndex((record) => compareKeys(order, [order.key(record), order.id(record)], position) > 0);
      if (start < 0) start = sorted.length;
      end = Math.min(start + size, sorted.length);
    } else {
      end = sorted.findIndex((record) => compareKeys(order, [order.key(record), order.id(record)], position) >= 0);
      if (end < 0) end = sorted.length;
      start = Math.max(0, end - size);
    }
  }
  const records = sorted.slice(start, end);
  const first = records[0];
  const last = records[records.length - 1];
  return {
    ok: true,
    page: {
      records,
      ...(last !== undefined && end < sorted.length ? { next: encodeCursor('next', order, last) } : {}),
      ...(first !== undefined && start > 0 ? { prev: encodeCursor('prev', order, first) } : {}),
    },
  };
}

/** `links` of a collection: self, and next/prev (null when there is none). */
export function collectionLinks(baseUrl: string, path: string, query: URLSearchParams, page: { next?: string; prev?: string }): { self: string; next: string | null; prev: string | null } {
  const url = (cursor?: string) => {
    const params = new URLSearchParams(query);
    params.delete('page[cursor]');
    const rest = params.toString();
    const all = cursor === undefined ? rest : [`page%5Bcursor%5D=${encodeURIComponent(cursor)}`, rest].filter(Boolean).join('&');
    return `${baseUrl}${path}/${all ? `?${all}` : ''}`;
  };
  const self = `${baseUrl}${path}/${query.toString() ? `?${query.toString()}` : ''}`;
  return { self, next: page.next === undefined ? null : url(page.next), prev: page.prev === undefined ? null : url(page.prev) };
}

/** `page[size]`: an integer within [1, max], default `fallback`; otherwise a 400 on the parameter. */
export function pageSize(raw: string | null, fallback: number, max: number): { ok: true; size: number } | { ok: false; failure: KlaviyoFailure } {
  if (raw === null) return { ok: true, size: fallback };
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(size) || size < 1 || size > max) {
    return { ok: false, failure: klaviyoErrors.invalidParameter('page[size]', `Page size must be an integer between 1 and ${max}.`) };
  }
  return { ok: true, size };
}
