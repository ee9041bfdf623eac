// Argument parsing shared by the commands: node's util.parseArgs in strict mode, with its errors
// turned into UsageErrors, and number parsing that names the flag and the accepted range.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse `args` strictly; unknown flags and missing values become a UsageError for `command`. */
export function parseCommandArgs(
  command: string,
  args: string[],
  options: Options,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  // `--acceptors -1` would read -1 as a flag; join negative numbers to their flag so the range
  // check, not the parser, answers.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const opt = a.startsWith('--') ? options[a.slice(2)] : undefined;
    if (opt?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else {
      joined.push(a);
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError('E_ARG_UNKNOWN', `unknown option ${unknown[1]}`, command);
    const missing = /Option '([^']+)' argument missing/.exec(message);
    if (missing) throw new UsageError('E_ARG_MISSING', `option ${missing[1]} needs a value`, command);
    throw new UsageError('E_ARG', message.split('\n')[0] ?? message, command);
  }
}

/** Parse a whole number flag value within [min, max]. */
export function intArg(command: string, flag: string, raw: string, min: number, max = 1_000_000_000): number {
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(
      'E_ARG_VALUE',
      `${flag} must be a whole number, got ${JSON.stringify(raw)}`,
      command,
    );
  }
  if (n < min || n > max) {
    const range = max >= 1_000_000_000 ? `at least ${min}` : `between ${min} and ${max}`;
    throw new UsageError('E_ARG_RANGE', `${flag} must be ${range}, got ${n}`, command);
  }
  return n;
}

/**
 * The one positional argument a command takes, or a UsageError: `missing` when there is none
 * (a question naming what to give), and a sentence naming the extras when there are several.
 */
export function onePositional(command: string, positionals: string[], what: string, missing: string): string {
  if (positionals.length === 0) throw new UsageError('E_ARG_MISSING', missing, command);
  if (positionals.length > 1) {
    throw new UsageError(
      'E_ARG_EXTRA',
      `one ${what} at a time, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
      command,
    );
  }
  return positionals[0]!;
}
