// `synod trace validate <file>...`: is this a well-formed synod trace? Reads each file as a stream
// and prints every problem as file:line:column: code: message (the form editors and CI logs link
// to). Exit 0 when every file is valid, 150 otherwise. Safety is `synod conform`'s job.

import { formatTraceError, validateTrace } from '../../traces/index.js';
import type { TraceValidation } from '../../traces/index.js';
import { intArg, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { style } from '../render/style.js';

const NAME = 'trace';

function help(): string {
  return `Usage: synod trace validate <trace.ndjson>... [--max-errors N] [--json]

Check that files are well-formed synod traces (traces/README.md): a header first, one JSON
event per line, every event and message matching the schema, node names the header lists. Each
problem is printed as  file:line:column: code: message  and reading goes on up to --max-errors
problems per file. It does not judge safety: for that, run synod conform.

Options:
  --max-errors N   stop reading a file after N problems (default 20)
  --json           print one JSON object: { files: [{ file, ok, events, lines, errors }] }

Exit codes: 0 every file is valid, 150 a file is malformed or the arguments are wrong.

Examples:
  synod trace validate run.ndjson
  synod trace validate runs/*.ndjson --json
`;
}

async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'validate') {
    throw new UsageError(
      'E_ARG_VALUE',
      sub === undefined
        ? 'which subcommand? (synod trace validate FILE)'
        : `unknown subcommand ${JSON.stringify(sub)} (subcommands: validate)`,
      NAME,
    );
  }
  const { values, positionals } = parseCommandArgs(NAME, rest, {
    'max-errors': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length === 0) {
    throw new UsageError('E_ARG_MISSING', 'which trace? (e.g. synod trace validate run.ndjson)', NAME);
  }
  const maxErrors =
    values['max-errors'] === undefined
      ? 20
      : intArg(NAME, '--max-errors', values['max-errors'] as string, 1, 10_000);
  const s = style(io.color);
  const results: Array<{ file: string } & TraceValidation> = [];
  for (const file of positionals) {
    results.push({ file, ...(await validateTrace(file, { maxErrors, fast: true })) });
  }
  if (values['json'] === true) {
    const files = results.map((r) => ({
      file: r.file,
      ok: r.ok,
      events: r.events,
      lines: r.lines,
      errors: r.errors,
    }));
    io.out(`${JSON.stringify({ files }, null, 2)}\n`);
  } else {
    for (const r of results) {
      if (r.ok) {
        io.out(`${s.green('✓')} ${r.file}: ${r.events.toLocaleString('en-US')} events, valid\n`);
        continue;
      }
      io.out(
        `${s.red('✗')} ${r.file}: ${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}${r.stoppedEarly ? ' (stopped early)' : ''}\n`,
      );
      for (const e of r.errors) io.out(`  ${formatTraceError(e, r.file)}\n`);
    }
  }
  return results.every((r) => r.ok) ? ExitCode.ok : ExitCode.badInput;
}

/** The `trace` command. */
export const traceCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help,
  run,
};
