// Errors that map to a defined exit code instead of a stack trace.

/** Bad command line, configuration or unreadable input: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Returned by withTimeout when the bound passes first. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not finish within ${formatSeconds(ms)}`);
  }
}

export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

/** A message for any thrown value, without a stack. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
