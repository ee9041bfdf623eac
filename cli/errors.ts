// User-facing errors of the CLI: a stable code, a sentence, and the exit class. Commands throw
// these for bad input; main.ts is the one place that prints them and sets the exit code.

/** Exit codes by class, as in DESIGN.md. */
export const ExitCode = {
  ok: 0,
  safety: 10,
  liveness: 11,
  deadlock: 12,
  threshold: 13,
  modelThrew: 75,
  badInput: 150,
  internal: 255,
} as const;

/** Bad input from the user (arguments, spec, config, file): exit 150 with one clear line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** A stable code such as `E_ARG_VALUE`. */
  readonly code: string;
  /** The command whose `--help` should be suggested, if any. */
  readonly command: string | undefined;

  constructor(code: string, message: string, command?: string) {
    super(message);
    this.code = code;
    this.command = command;
  }
}
