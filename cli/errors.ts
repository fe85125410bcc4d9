/**
 * The CLI's failures. Each is printed as one line (`khulasa: <message>`) with a non-zero exit;
 * anything else is a bug and shows its stack only with `--debug`.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad command line: exit 2, as most Unix tools do for usage errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The API answered with a problem (4xx/5xx); `status` lets commands tell "not found" apart. */
export class ApiError extends CliError {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message, 1);
    this.name = 'ApiError';
    this.status = status;
  }
}
