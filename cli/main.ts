// The synod command line: dispatch to a command, and the one place that prints errors and turns
// them into exit codes (150 for bad input, 255 for a bug in synod).

import { readFileSync } from 'node:fs';
import { COMMANDS } from './registry.js';
import { ExitCode, UsageError } from './errors.js';
import type { Io } from './io.js';
import { style } from './render/style.js';

/** The package version, read from package.json (next to dist/ when built, one level up from source). */
export function version(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'synod' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this one
    }
  }
  return '0.0.0';
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'synod: make consensus protocols verifiable',
    '',
    'Usage: synod <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: synod <command> --help)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 holds, 10 safety violation, 11 liveness (temporal) violation, 12 deadlock,',
    '            13 a metric missed its threshold, 75 the model threw, 150 bad input,',
    '            255 internal error.',
    '',
    'Example:',
    '  synod check paxos --acceptors 3 --values 2 --max-ballot 2',
    '',
  ].join('\n');
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const s = style(io.color);
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      if (first === 'help' && rest[0] !== undefined) return await main([rest[0], '--help'], io);
      io.out(topHelp());
      return first === undefined ? ExitCode.badInput : ExitCode.ok;
    }
    if (first === '-v' || first === '--version') {
      io.out(`${version()}\n`);
      return ExitCode.ok;
    }
    const entry = COMMANDS.find((c) => c.name === first);
    if (entry === undefined) {
      throw new UsageError(
        'E_COMMAND',
        `unknown command ${JSON.stringify(first)} (commands: ${COMMANDS.map((c) => c.name).join(', ')})`,
      );
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(command.help());
      return ExitCode.ok;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const hint = e.command === undefined ? 'synod --help' : `synod ${e.command} --help`;
      io.err(`${s.red('error')} ${s.dim(`[${e.code}]`)} ${e.message}\n${s.dim(`(see ${hint})`)}\n`);
      return ExitCode.badInput;
    }
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.err(
      `${s.red('internal error')}: this is a bug in synod; please report it with the command you ran.\n${detail}\n`,
    );
    return ExitCode.internal;
  }
}
