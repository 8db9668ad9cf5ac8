import type { LogSink } from '../../core/log';

/** A log sink that keeps every line, for tests to assert what was logged (and that no value was). */
export interface CapturedLog extends LogSink {
  lines: { level: string; message: string; attrs?: Record<string, unknown> }[];
  text(): string;
}

export function capturingLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const sink = (level: string) => (message: string, attrs?: Record<string, unknown>) => void lines.push({ level, message, ...(attrs ? { attrs } : {}) });
  return { lines, debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error'), text: () => JSON.stringify(lines) };
}
