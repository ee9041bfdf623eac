// `synod check <spec>`: model-check a shipped spec with its constants, print the verdict (and a
// counterexample as step-by-step diffs with the command that replays it), exit by class.

import {
  check,
  replay,
  type CheckOptions,
  type CheckResult,
  type Path,
  type ReplayResult,
  type Strategy,
} from '../../model-check/index.js';
import { findSpec, specs, type AnyModel, type ShippedSpec } from '../../spec/index.js';
import { intArg, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { pathJson, progressLine, renderPath, renderResult, stateView } from '../render/check.js';
import { style } from '../render/style.js';

const NAME = 'check';

function help(): string {
  const specLines = specs.flatMap((sp) => [
    `  ${sp.name}: ${sp.summary}`,
    ...sp.constants.map(
      (c) => `      ${`${c.flag} N`.padEnd(18)} ${c.description} (${c.min}..${c.max}, default ${c.default})`,
    ),
    `      ${'--variant NAME'.padEnd(18)} ${sp.variants.map((v) => v.name).join(' | ')} (default ${sp.variants[0]?.name ?? ''})`,
    ...sp.variants.slice(1).map((v) => `          ${v.name}: ${v.description}`),
  ]);
  return `Usage: synod check <spec> [constants] [options]

Explore every reachable state of a spec (all interleavings of its actions) and check its
properties: invariants ("always") must hold in every state; reachability witnesses
("sometimes") must hold in some state. A violation is printed as the path that leads to it,
step by step, showing only what each action changed, with the command that replays it.

Specs:
${specLines.join('\n')}

Search:
  --bfs                breadth-first (default): counterexamples are shortest
  --dfs                depth-first: less memory for the frontier, paths not shortest
  --max-depth N        do not expand states N steps deep (initial state = depth 1)
  --max-states N       stop after N distinct states
  --no-deadlock        a state with no enabled action is not an error

Output:
  --json               print one JSON object on stdout (status, property, distinctStates,
                       generatedStates, depth, seconds, counterexample, ...)
  --quiet              no progress lines on stderr
  --progress-interval MS   time between progress updates (default 250 on a terminal, 5000 otherwise)
  --replay PATH        replay a path printed by an earlier run (e.g. 0.0.2.5) instead of searching;
                       prints each step and checks the invariants on the state it reaches

Exit codes: 0 all properties hold, 10 a property is violated, 12 deadlock,
            75 the model threw, 150 bad arguments.

Examples:
  synod check paxos --acceptors 3 --values 2 --max-ballot 2
  synod check paxos --max-ballot 2 --variant ignore-promises
  synod check paxos --dfs --max-states 10000 --json
`;
}

const generalOptions = {
  bfs: { type: 'boolean' },
  dfs: { type: 'boolean' },
  'max-depth': { type: 'string' },
  'max-states': { type: 'string' },
  'no-deadlock': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'progress-interval': { type: 'string' },
  replay: { type: 'string' },
  variant: { type: 'string' },
} as const;

/** Every spec constant flag, so one strict parse accepts them; flags of other specs are rejected after. */
function constantOptions(): Record<string, { type: 'string' }> {
  const out: Record<string, { type: 'string' }> = {};
  for (const sp of specs) for (const c of sp.constants) out[c.flag.slice(2)] = { type: 'string' };
  return out;
}

/** A parsed `synod check` invocation. */
export interface CheckInvocation {
  spec: ShippedSpec;
  constants: Record<string, number>;
  variant: string;
  options: Omit<CheckOptions, 'hooks'>;
  json: boolean;
  quiet: boolean;
  progressIntervalMs: number | undefined;
  replay: number[] | undefined;
}

/** Parse `synod check` arguments; throws UsageError for anything wrong. */
export function parseCheckArgs(args: string[]): CheckInvocation {
  const { values, positionals } = parseCommandArgs(NAME, args, { ...generalOptions, ...constantOptions() });
  const v = values;
  if (positionals.length === 0) {
    throw new UsageError(
      'E_ARG_MISSING',
      `which spec? (shipped: ${specs.map((s) => s.name).join(', ')})`,
      NAME,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(
      'E_ARG_EXTRA',
      `one spec at a time, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
      NAME,
    );
  }
  const name = positionals[0]!;
  const spec = findSpec(name);
  if (spec === undefined) {
    throw new UsageError(
      'E_SPEC_UNKNOWN',
      `unknown spec ${JSON.stringify(name)} (shipped: ${specs.map((s) => s.name).join(', ')})`,
      NAME,
    );
  }
  const constants: Record<string, number> = {};
  for (const c of spec.constants) {
    const raw = v[c.flag.slice(2)];
    constants[c.name] = typeof raw === 'string' ? intArg(NAME, c.flag, raw, c.min, c.max) : c.default;
  }
  for (const other of specs) {
    for (const c of other.constants) {
      if (v[c.flag.slice(2)] !== undefined && !spec.constants.some((own) => own.flag === c.flag)) {
        throw new UsageError('E_ARG_UNKNOWN', `${c.flag} is not a constant of ${spec.name}`, NAME);
      }
    }
  }
  const variant = typeof v['variant'] === 'string' ? v['variant'] : (spec.variants[0]?.name ?? 'correct');
  if (!spec.variants.some((x) => x.name === variant)) {
    throw new UsageError(
      'E_ARG_VALUE',
      `unknown variant ${JSON.stringify(variant)} of ${spec.name} (variants: ${spec.variants.map((x) => x.name).join(', ')})`,
      NAME,
    );
  }
  if (v['bfs'] === true && v['dfs'] === true)
    throw new UsageError('E_ARG_CONFLICT', 'choose one of --bfs and --dfs', NAME);
  const strategy: Strategy = v['dfs'] === true ? 'dfs' : 'bfs';
  const options: Omit<CheckOptions, 'hooks'> = { strategy, deadlock: v['no-deadlock'] !== true };
  if (typeof v['max-depth'] === 'string') options.maxDepth = intArg(NAME, '--max-depth', v['max-depth'], 1);
  if (typeof v['max-states'] === 'string')
    options.maxStates = intArg(NAME, '--max-states', v['max-states'], 1);
  const interval = v['progress-interval'];
  let replayPath: number[] | undefined;
  if (typeof v['replay'] === 'string') {
    const raw = v['replay'];
    if (!/^\d+(\.\d+)*$/.test(raw)) {
      throw new UsageError(
        'E_ARG_VALUE',
        `--replay takes dot-separated action indices such as 0.0.2.5, got ${JSON.stringify(raw)}`,
        NAME,
      );
    }
    replayPath = raw.split('.').map(Number);
  }
  return {
    spec,
    constants,
    variant,
    options,
    json: v['json'] === true,
    quiet: v['quiet'] === true,
    progressIntervalMs:
      typeof interval === 'string' ? intArg(NAME, '--progress-interval', interval, 0) : undefined,
    replay: replayPath,
  };
}

/** The command line that reproduces `inv` (optionally replaying `path`). */
export function commandLine(inv: CheckInvocation, path?: Path<unknown, unknown>): string {
  const parts = ['npx synod check', inv.spec.name];
  for (const c of inv.spec.constants) parts.push(c.flag, String(inv.constants[c.name]));
  if (inv.variant !== inv.spec.variants[0]?.name) parts.push('--variant', inv.variant);
  if (path !== undefined) parts.push('--replay', path.replay.join('.'));
  else {
    if (inv.options.strategy === 'dfs') parts.push('--dfs');
    if (inv.options.deadlock === false) parts.push('--no-deadlock');
  }
  return parts.join(' ');
}

function exitCode(result: CheckResult<unknown, unknown>): number {
  switch (result.status) {
    case 'ok':
      return ExitCode.ok;
    case 'violation':
      return ExitCode.safety;
    case 'deadlock':
      return ExitCode.deadlock;
    case 'error':
      return ExitCode.modelThrew;
  }
}

/** The `--json` object of a search. */
export function resultJson(
  model: AnyModel,
  inv: CheckInvocation,
  result: CheckResult<unknown, unknown>,
): object {
  const cex =
    result.status === 'violation' || result.status === 'deadlock'
      ? result.counterexample
      : result.status === 'error'
        ? result.at
        : undefined;
  return {
    status: result.status,
    property: result.status === 'violation' ? result.property.name : null,
    propertyKind: result.status === 'violation' ? result.property.kind : null,
    spec: inv.spec.name,
    constants: inv.constants,
    variant: inv.variant,
    strategy: result.strategy,
    complete: result.status === 'ok' ? result.complete : null,
    distinctStates: result.stats.distinctStates,
    generatedStates: result.stats.generatedStates,
    depth: result.stats.depth,
    seconds: result.stats.seconds,
    statesPerSecond: result.stats.statesPerSecond,
    bytesPerState: result.stats.bytesPerState,
    peakMemoryBytes: result.stats.peakMemoryBytes,
    counterexample: cex === undefined ? null : pathJson(model, cex),
    replay: cex === undefined ? null : cex.replay.join('.'),
    replayCommand: cex === undefined ? null : commandLine(inv, cex),
    witnesses: result.witnesses.map((w) => ({
      property: w.property,
      steps: w.path.steps.length - 1,
      replay: w.path.replay.join('.'),
    })),
    error:
      result.status === 'error'
        ? {
            phase: result.phase,
            message: result.error instanceof Error ? result.error.message : String(result.error),
          }
        : null,
  };
}

function runReplay(model: AnyModel, inv: CheckInvocation, io: Io): number {
  const s = style(io.color);
  const path = inv.replay ?? [];
  let outcome: ReplayResult<unknown, unknown>;
  try {
    outcome = replay(model, path);
  } catch (e) {
    io.err(
      `${s.red('✗')} the model threw while replaying: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return ExitCode.modelThrew;
  }
  if (!outcome.ok)
    throw new UsageError('E_REPLAY', `the path ${path.join('.')} does not replay: ${outcome.message}`, NAME);
  const last: unknown = outcome.path.steps[outcome.path.steps.length - 1]!.state;
  const broken = model.properties.filter((p) => p.kind === 'always' && !p.holds(last)).map((p) => p.name);
  const satisfied = model.properties
    .filter((p) => p.kind === 'sometimes' && p.holds(last))
    .map((p) => p.name);
  if (inv.json) {
    io.out(
      JSON.stringify({
        status: broken.length > 0 ? 'violation' : 'ok',
        property: broken[0] ?? null,
        violated: broken,
        witnessed: satisfied,
        counterexample: pathJson(model, outcome.path),
        replay: path.join('.'),
        finalState: stateView(model, last),
      }) + '\n',
    );
  } else {
    io.out(`Replaying ${path.length - 1} steps of ${model.name ?? inv.spec.name}:\n`);
    io.out(renderPath(model, outcome.path, s));
    if (broken.length > 0) io.out(`${s.red('✗')} the final state violates ${broken.join(', ')}\n`);
    else io.out(`${s.green('✓')} every invariant holds in the final state\n`);
    if (satisfied.length > 0) io.out(`  the final state is an example of ${satisfied.join(', ')}\n`);
  }
  return broken.length > 0 ? ExitCode.safety : ExitCode.ok;
}

function run(args: string[], io: Io): number {
  const inv = parseCheckArgs(args);
  const s = style(io.color);
  let model: AnyModel;
  try {
    model = inv.spec.build(inv.constants, inv.variant);
  } catch (e) {
    throw new UsageError('E_SPEC_CONSTANTS', e instanceof Error ? e.message : String(e), NAME);
  }
  if (inv.replay !== undefined) return runReplay(model, inv, io);

  const props = model.properties.map((p) => `${p.name} (${p.kind})`).join(', ');
  if (!inv.json) {
    io.out(
      `${s.bold(`synod check ${model.name ?? inv.spec.name}`)} ${s.dim(`[${inv.options.strategy ?? 'bfs'}${inv.options.deadlock === false ? ', deadlock allowed' : ''}]`)}\n`,
    );
    io.out(`${s.dim(`checking ${props}`)}\n`);
  }
  const interval = inv.progressIntervalMs ?? (io.isTTY ? 250 : 5000);
  let live = false;
  const result = check(model, {
    ...inv.options,
    progressIntervalMs: interval,
    hooks: inv.quiet
      ? {}
      : {
          progress: (p) => {
            const line = progressLine(p);
            if (io.isTTY) {
              // Truncate the plain text to the terminal width so the line never wraps.
              io.err(`\r\x1b[2K${s.cyan(line.slice(0, Math.max(20, io.columns - 1)))}`);
              live = true;
            } else {
              io.err(`${line}\n`);
            }
          },
        },
  });
  if (live) io.err('\r\x1b[2K');
  if (inv.json) io.out(JSON.stringify(resultJson(model, inv, result)) + '\n');
  else io.out(renderResult(model, result, (p) => commandLine(inv, p), s));
  return exitCode(result);
}

export const checkCommand: Command = {
  name: NAME,
  summary: 'model-check a shipped spec (paxos) over all interleavings',
  help,
  run: (args, io) => Promise.resolve(run(args, io)),
};
