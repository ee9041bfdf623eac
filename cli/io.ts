// Where the CLI writes. Tests pass their own Io; the binary passes the process streams.

/** Output streams and terminal facts for a command. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (live progress line with carriage returns). */
  readonly isTTY: boolean;
  /** Use colour. */
  readonly color: boolean;
  /** Terminal width for the progress line. */
  readonly columns: number;
}

/** The Io of the running process. */
export function processIo(): Io {
  const isTTY = process.stderr.isTTY === true;
  const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY,
    color: !noColor && (process.stdout.isTTY === true || process.env['FORCE_COLOR'] !== undefined),
    columns: process.stderr.columns || 100,
  };
}
