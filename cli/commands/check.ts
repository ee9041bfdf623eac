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
import {
  loadModel,
  looksLikeModelFile,
  parseConstantValue,
  type AnyModel,
  type ConstantValues,
} from '../../model-check/index.js';
import { findSpec, specs, type ShippedSpec } from '../../spec/index.js';
import { basename } from 'node:path';
import { intArg, onePositional, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { userError, pathJson, progressLine, renderPath, renderResult, stateView } from '../render/check.js';
import { style } from '../render/style.js';

const NAME = 'check';

function help(): string {
  const specLines = specs.flatMap((sp) => [
    `  ${sp.name}: ${sp.summary}`,
    ...sp.constants.map(
      (c) => `      ${`${c.flag} N`.padEnd(18)} ${c.description} (${c.min}..${c.max}, default ${c.default})`,
    ),
    ...(sp.textConstants ?? []).map(
      (c) =>
        `      ${`${c.flag} ${c.placeholder}`.padEnd(18)} ${c.description}${c.default === undefined ? '' : ` (default ${c.default})`}`,
    ),
    `      ${'--variant NAME'.padEnd(18)} ${sp.variants.map((v) => v.name).join(' | ')} (default ${sp.variants[0]?.name ?? ''})`,
    ...sp.variants.slice(1).map((v) => `          ${v.name}: ${v.description}`),
    ...(sp.notes ?? []).map((line) => `      ${line}`),
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
  synod check adaptive --acceptors 2 --values 3 --max-ballot 2 --q1 "a1|a2" --q2 "a1,a2"
  synod check adaptive --modes "routine=all/1;critical=1/all" --max-ballot 2 --variant own-pair
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
  const: { type: 'string', multiple: true },
  export: { type: 'string' },
} as const;

/** The flags of a spec's constants, numeric and text. */
function specFlags(sp: ShippedSpec): string[] {
  return [...sp.constants.map((c) => c.flag), ...(sp.textConstants ?? []).map((c) => c.flag)];
}

/** Every spec constant flag, so one strict parse accepts them; flags of other specs are rejected after. */
function constantOptions(): Record<string, { type: 'string' }> {
  const out: Record<string, { type: 'string' }> = {};
  for (const sp of specs) for (const flag of specFlags(sp)) out[flag.slice(2)] = { type: 'string' };
  return out;
}

/** A shipped spec with its constants and variant. */
export interface SpecTarget {
  kind: 'spec';
  spec: ShippedSpec;
  constants: Record<string, number>;
  /** The text constants given (quorum systems), by name, in the spec's order. */
  text: Record<string, string>;
  variant: string;
}

/** A user's model module with the constants given by `--const`. */
export interface FileTarget {
  kind: 'file';
  file: string;
  exportName: string | undefined;
  /** Raw `--const` values, in the order given. */
  constants: ConstantValues;
}

/** A parsed `synod check` invocation. */
export interface CheckInvocation {
  target: SpecTarget | FileTarget;
  options: Omit<CheckOptions, 'hooks'>;
  json: boolean;
  quiet: boolean;
  progressIntervalMs: number | undefined;
  replay: number[] | undefined;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function specTarget(name: string, v: Values): SpecTarget {
  const spec = findSpec(name);
  if (spec === undefined) {
    throw new UsageError(
      'E_SPEC_UNKNOWN',
      `unknown spec ${JSON.stringify(name)} (shipped: ${specs.map((s) => s.name).join(', ')}; or give a model file such as ./model.ts)`,
      NAME,
    );
  }
  if (v['const'] !== undefined || v['export'] !== undefined) {
    const flag = v['const'] !== undefined ? '--const' : '--export';
    throw new UsageError(
      'E_ARG_UNKNOWN',
      `${flag} is for model files; ${spec.name} takes ${specFlags(spec).join(', ')}`,
      NAME,
    );
  }
  const constants: Record<string, number> = {};
  for (const c of spec.constants) {
    const raw = v[c.flag.slice(2)];
    constants[c.name] = typeof raw === 'string' ? intArg(NAME, c.flag, raw, c.min, c.max) : c.default;
  }
  const text: Record<string, string> = {};
  for (const c of spec.textConstants ?? []) {
    const raw = v[c.flag.slice(2)];
    if (typeof raw === 'string') text[c.name] = raw;
  }
  const own = specFlags(spec);
  for (const other of specs) {
    for (const flag of specFlags(other)) {
      if (v[flag.slice(2)] !== undefined && !own.includes(flag)) {
        throw new UsageError('E_ARG_UNKNOWN', `${flag} is not a constant of ${spec.name}`, NAME);
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
  return { kind: 'spec', spec, constants, text, variant };
}

function fileTarget(file: string, v: Values): FileTarget {
  for (const sp of specs) {
    for (const flag of [...specFlags(sp), '--variant']) {
      if (v[flag.slice(2)] !== undefined) {
        throw new UsageError(
          'E_ARG_UNKNOWN',
          `${flag} is for shipped specs; give a model file's constants as --const name=value`,
          NAME,
        );
      }
    }
  }
  const constants: ConstantValues = {};
  for (const kv of (v['const'] as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0)
      throw new UsageError('E_ARG_VALUE', `--const takes name=value, got ${JSON.stringify(kv)}`, NAME);
    const key = kv.slice(0, eq).trim();
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new UsageError(
        'E_ARG_VALUE',
        `--const: ${JSON.stringify(key)} is not a usable constant name`,
        NAME,
      );
    }
    if (Object.prototype.hasOwnProperty.call(constants, key)) {
      throw new UsageError('E_ARG_VALUE', `--const ${key} is given twice`, NAME);
    }
    constants[key] = parseConstantValue(kv.slice(eq + 1));
  }
  const exportName = typeof v['export'] === 'string' ? v['export'] : undefined;
  return { kind: 'file', file, exportName, constants };
}

/** Parse `synod check` arguments; throws UsageError for anything wrong. */
export function parseCheckArgs(args: string[]): CheckInvocation {
  const { values, positionals } = parseCommandArgs(NAME, args, { ...generalOptions, ...constantOptions() });
  const v = values;
  const name = onePositional(
    NAME,
    positionals,
    'spec',
    `which spec? (shipped: ${specs.map((s) => s.name).join(', ')}; or a model file such as ./model.ts)`,
  );
  const target = looksLikeModelFile(name) ? fileTarget(name, v) : specTarget(name, v);
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
    target,
    options,
    json: v['json'] === true,
    quiet: v['quiet'] === true,
    progressIntervalMs:
      typeof interval === 'string' ? intArg(NAME, '--progress-interval', interval, 0) : undefined,
    replay: replayPath,
  };
}

/** Quote a word for a POSIX shell when it needs it. */
function shellWord(w: string): string {
  return /^[\w./=:,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The command line that reproduces `inv` (optionally replaying `path`). */
export function commandLine(inv: CheckInvocation, path?: Path<unknown, unknown>): string {
  const t = inv.target;
  const parts = ['npx', 'synod', 'check'];
  if (t.kind === 'spec') {
    parts.push(t.spec.name);
    for (const c of t.spec.constants) parts.push(c.flag, String(t.constants[c.name]));
    for (const c of t.spec.textConstants ?? []) {
      const value = t.text[c.name];
      if (value !== undefined) parts.push(c.flag, value);
    }
    if (t.variant !== t.spec.variants[0]?.name) parts.push('--variant', t.variant);
  } else {
    parts.push(t.file);
    for (const [k, value] of Object.entries(t.constants)) {
      parts.push('--const', `${k}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    if (t.exportName !== undefined) parts.push('--export', t.exportName);
  }
  if (path !== undefined) parts.push('--replay', path.replay.join('.'));
  else {
    if (inv.options.strategy === 'dfs') parts.push('--dfs');
    if (inv.options.deadlock === false) parts.push('--no-deadlock');
  }
  return parts.map(shellWord).join(' ');
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
    spec: inv.target.kind === 'spec' ? inv.target.spec.name : null,
    file: inv.target.kind === 'file' ? inv.target.file : null,
    constants:
      inv.target.kind === 'spec' ? { ...inv.target.constants, ...inv.target.text } : inv.target.constants,
    variant: inv.target.kind === 'spec' ? inv.target.variant : null,
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
    io.err(`${s.red('✗')} the model threw while replaying: ${userError(e)}\n`);
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
    io.out(`Replaying ${path.length - 1} steps of ${modelName(model, inv)}:\n`);
    io.out(renderPath(model, outcome.path, s));
    if (broken.length > 0) io.out(`${s.red('✗')} the final state violates ${broken.join(', ')}\n`);
    else io.out(`${s.green('✓')} every invariant holds in the final state\n`);
    if (satisfied.length > 0) io.out(`  the final state is an example of ${satisfied.join(', ')}\n`);
  }
  return broken.length > 0 ? ExitCode.safety : ExitCode.ok;
}

function modelName(model: AnyModel, inv: CheckInvocation): string {
  return model.name ?? (inv.target.kind === 'spec' ? inv.target.spec.name : basename(inv.target.file));
}

/** Build the model of a spec target, or load a file target's; a user module that throws exits 75. */
async function buildModel(inv: CheckInvocation, io: Io): Promise<AnyModel | number> {
  const t = inv.target;
  if (t.kind === 'spec') {
    try {
      return t.spec.build(t.constants, t.variant, t.text);
    } catch (e) {
      throw new UsageError('E_SPEC_CONSTANTS', e instanceof Error ? e.message : String(e), NAME);
    }
  }
  const loaded = await loadModel(t.file, {
    constants: t.constants,
    ...(t.exportName === undefined ? {} : { exportName: t.exportName }),
  });
  if (loaded.ok) return loaded.model;
  const s = style(io.color);
  switch (loaded.kind) {
    case 'threw': {
      io.err(`${s.red('✗')} ${loaded.message}:\n  ${userError(loaded.error)}\n`);
      return ExitCode.modelThrew;
    }
    case 'constants':
      throw new UsageError(
        'E_MODEL_CONSTANTS',
        [loaded.message, ...(loaded.problems ?? []).map((p) => `  - ${p}`)].join('\n'),
        NAME,
      );
    case 'not-found':
      throw new UsageError('E_MODEL_NOT_FOUND', loaded.message, NAME);
    case 'unsupported':
      throw new UsageError('E_MODEL_EXTENSION', loaded.message, NAME);
    case 'no-export':
      throw new UsageError('E_MODEL_EXPORT', loaded.message, NAME);
    case 'not-a-model':
      throw new UsageError('E_MODEL_SHAPE', loaded.message, NAME);
  }
}

async function run(args: string[], io: Io): Promise<number> {
  const inv = parseCheckArgs(args);
  const s = style(io.color);
  const built = await buildModel(inv, io);
  if (typeof built === 'number') return built;
  const model = built;
  if (inv.replay !== undefined) return runReplay(model, inv, io);

  const props = model.properties.map((p) => `${p.name} (${p.kind})`).join(', ');
  if (!inv.json) {
    io.out(
      `${s.bold(`synod check ${modelName(model, inv)}`)} ${s.dim(`[${inv.options.strategy ?? 'bfs'}${inv.options.deadlock === false ? ', deadlock allowed' : ''}]`)}\n`,
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
  summary: summaryOf(NAME),
  help,
  run,
};
