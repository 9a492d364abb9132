/**
 * The errors a user can fix, which the CLI prints as one line without a stack trace:
 *   - DataError: bad input data. The message names the file, the line (1-based) when there is
 *     one, the problem, and the fix (exit code 1).
 *   - ValidationError: an option or config field out of range. The message names the option, the
 *     value and what is allowed: "--batch-size must be a positive integer, got 0" (exit code 2).
 * Every other error is a bug and the CLI says so (lib/cli.ts).
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line !== undefined ? `:${line}` : ''}: ${message}` : message);
  }
}

/** An option or field outside its allowed range (see lib/util/validate.ts). */
export class ValidationError extends Error {
  override name = 'ValidationError';
  /**
   * @param option the option or field as the user wrote it: '--batch-size', 'TrainConfig.lrPeak'
   * @param allowed what is allowed, read after "must be": 'a positive integer', 'one of loss, NDCG@10'
   * @param fix an optional last sentence: how to get a valid value
   */
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
    fix?: string,
  ) {
    super(`${option} must be ${allowed}, got ${showValue(value)}${fix ? `. ${fix}` : ''}`);
  }
}

/** Longest text of user input echoed into a message. */
export const MAX_ECHO_CHARS = 200;

/**
 * `text` cut to at most `max` characters (an ellipsis and the total length mark a cut), with
 * control characters shown as \uXXXX, so a message never echoes a huge or binary line.
 * @example clipText('x'.repeat(500), 10) // 'xxxxxxxxxx... (500 chars)'
 */
export function clipText(text: string, max = MAX_ECHO_CHARS): string {
  const visible = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length <= max ? visible(text) : `${visible(text.slice(0, max))}... (${text.length} chars)`;
}

/** A value as a message shows it: numbers and numeric strings bare, other strings quoted. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return v.trim() !== '' && Number.isFinite(Number(v)) ? clipText(v, 40) : `'${clipText(v, 60)}'`;
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (v === undefined) return 'nothing';
  if (typeof v === 'object' && v !== null) return clipText(JSON.stringify(v), 60);
  return String(v);
}
