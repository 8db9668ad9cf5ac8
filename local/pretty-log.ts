/**
 * Turns the functions' JSON log lines into one readable line per sync step for `npm start`:
 *   11:32:05  webhook-receiver    webhook accepted  connector=shopify items=1      [1a2b3c4d]
 * Lines that are not JSON (a crash, a stray console.log) are printed as they are.
 */
const SHOWN = [
  'connector', 'system', 'externalId', 'externalIds', 'customerId', 'matchedBy', 'changedFields', 'fields',
  'outcome', 'reason', 'items', 'duplicates', 'ignored', 'code', 'attempts', 'version',
];
const LEVEL_MARK: Record<string, string> = { WARN: '!', ERROR: 'x', CRITICAL: 'x' };

export function prettyLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry.message !== 'string') return line;
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 19) : '';
  const level = LEVEL_MARK[String(entry.level)] ?? ' ';
  const attrs = SHOWN.filter((k) => entry[k] !== undefined && !(k === 'outcome' && String(entry.message).includes(String(entry[k]))))
    .map((k) => `${k}=${format(entry[k])}`)
    .join(' ');
  const error = entry.error && typeof entry.error === 'object' ? ` error=${format((entry.error as { message?: unknown }).message)}` : '';
  const correlation = typeof entry.correlationId === 'string' ? `  [${entry.correlationId.slice(0, 8)}]` : '';
  return `${time} ${level} ${String(entry.service ?? '').padEnd(18)} ${entry.message.padEnd(24)} ${attrs}${error}${correlation}`;
}

function format(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
