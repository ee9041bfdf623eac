// `synod init <dir> --from <spec>`: scaffold a user model from a shipped spec, with a test that
// pins its state count, and print the next commands to run.

import { relative } from 'node:path';
import { scaffoldModel, specs } from '../../spec/index.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { style } from '../render/style.js';

const NAME = 'init';

function help(): string {
  return `Usage: synod init <dir> --from <spec> [--force]

Copy a shipped spec into <dir> as your own model, ready to change:
  <dir>/model.ts       the spec as a standalone module that imports synod/model-check, with an
                       exported \`constants\` declaration (what --const accepts) and a default
                       export that builds the Model from them
  <dir>/model.test.ts  a vitest file pinning the state count and that BFS and DFS agree

Options:
  --from SPEC   the shipped spec to start from (${specs.map((s) => s.name).join(', ')})
  --force       overwrite model.ts / model.test.ts if they exist

Example:
  synod init my-paxos --from paxos
  synod check ./my-paxos/model.ts --const acceptors=3 --const values=2 --const maxBallot=2

Exit codes: 0 written, 150 bad arguments or the files exist.
`;
}

function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    from: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      'E_ARG_MISSING',
      'give one folder to create, e.g. synod init my-paxos --from paxos',
      NAME,
    );
  }
  if (typeof values['from'] !== 'string') {
    throw new UsageError(
      'E_ARG_MISSING',
      `which spec to start from? --from ${specs.map((s) => s.name).join('|')}`,
      NAME,
    );
  }
  const dir = positionals[0]!;
  const r = scaffoldModel({ dir, from: values['from'], force: values['force'] === true });
  if (!r.ok) throw new UsageError(r.kind === 'exists' ? 'E_INIT_EXISTS' : 'E_SPEC_UNKNOWN', r.message, NAME);
  const s = style(io.color);
  const rel = (f: string): string => {
    const p = relative(process.cwd(), f);
    return p.startsWith('.') || p.startsWith('/') ? p : `./${p}`;
  };
  const consts = Object.entries(r.pinned.constants)
    .map(([k, v]) => `--const ${k}=${v}`)
    .join(' ');
  io.out(
    `${s.green('✓')} created ${r.files.map(rel).join(' and ')} from the shipped ${values['from']} spec\n` +
      `  the test pins ${r.pinned.distinctStates.toLocaleString('en-US')} distinct states, depth ${r.pinned.depth}\n\n` +
      `Next:\n` +
      `  npx synod check ${rel(r.model)} ${consts}\n` +
      `  npx synod lint ${rel(r.model)}\n` +
      `  npx vitest run ${rel(r.files[1]!)}\n`,
  );
  return Promise.resolve(ExitCode.ok);
}

export const initCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help,
  run,
};
