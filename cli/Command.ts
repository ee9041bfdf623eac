// The shape of a CLI command: a name, a one-line summary, help text, and a run function that
// parses its own arguments, calls one library function, renders, and returns the exit code.

import type { Io } from './io.js';

export interface Command {
  readonly name: string;
  /** One line for `synod --help`. */
  readonly summary: string;
  /** Full text for `synod <name> --help`. */
  help(): string;
  /** Run with the arguments after the command name; resolve to the exit code. */
  run(args: string[], io: Io): Promise<number>;
}
