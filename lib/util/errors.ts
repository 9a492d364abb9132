/**
 * DataError: bad input data. The message names the file, the line (1-based) when there is one,
 * the problem, and the fix. The CLI prints it without a stack trace.
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
