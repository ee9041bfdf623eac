// Rendering of `synod check` results: the terminal summary, counterexamples as step-by-step diffs,
// the live progress line, and the JSON object of `--json`.

import { fileURLToPath } from 'node:url';
import {
  diffStates,
  StateMutationError,
  type CheckProgress,
  type CheckResult,
  type AnyModel,
  type Path,
} from '../../model-check/index.js';
import type { Style } from './style.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a user's code threw, for people: the message and the stack frames that are theirs
 * (synod's own frames and node's internals are left out). A StateMutationError is a message only.
 */
export function userError(e: unknown): string {
  if (!(e instanceof Error)) return show(e);
  if (e instanceof StateMutationError || e.stack === undefined) return `${e.name}: ${e.message}`;
  const lines = e.stack.split('\n');
  const head = lines.filter((l) => !/^\s+at /.test(l));
  const frames = lines.filter((l) => /^\s+at /.test(l) && !l.includes(DIST) && !l.includes('node:internal'));
  return [...head, ...frames].join('\n');
}

/** Thousands separators, e.g. `185,369`. */
export function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

function bytes(b: number): string {
  return b >= 1 << 30 ? `${(b / (1 << 30)).toFixed(1)} GiB` : `${(b / (1 << 20)).toFixed(0)} MiB`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${show(x)}`)
      .join(', ')} }`;
  }
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return JSON.stringify(v) ?? 'undefined';
}

/** The state as named variables (the model's formatter, or the state itself). */
export function stateView(model: AnyModel, state: unknown): unknown {
  if (model.formatState !== undefined) return model.formatState(state);
  return state;
}

export function actionName(model: AnyModel, action: unknown): string {
  if (model.formatAction !== undefined) return model.formatAction(action);
  return show(action);
}

/** A path step by step: the initial state in full, then each action and only what it changed. */
export function renderPath(model: AnyModel, path: Path<unknown, unknown>, s: Style): string {
  const lines: string[] = [];
  let prev: unknown;
  path.steps.forEach((step, i) => {
    const view = stateView(model, step.state);
    const n = String(i).padStart(3);
    if (i === 0) {
      lines.push(`${s.dim(n)}  ${s.bold('initial state')}`);
      if (view !== null && typeof view === 'object' && !Array.isArray(view)) {
        for (const [k, v] of Object.entries(view)) lines.push(`       ${k} = ${show(v)}`);
      } else {
        lines.push(`       ${show(view)}`);
      }
    } else {
      lines.push(`${s.dim(n)}  ${s.bold(actionName(model, step.action))}`);
      const changes = diffStates(prev, view);
      if (changes.length === 0) lines.push(s.dim('       (no change: a stuttering step)'));
      for (const c of changes) {
        const where = c.path === '' ? 'state' : c.path;
        if (c.kind === 'set') lines.push(`       ${where}: ${show(c.from)} ${s.dim('→')} ${show(c.to)}`);
        else if (c.kind === 'added') lines.push(`       ${where} ${s.green('+')} ${show(c.value)}`);
        else lines.push(`       ${where} ${s.red('−')} ${show(c.value)}`);
      }
    }
    prev = view;
  });
  return lines.join('\n') + '\n';
}

/** The path as JSON: each step's action (formatted) and state (as named variables). */
export function pathJson(model: AnyModel, path: Path<unknown, unknown>): unknown[] {
  return path.steps.map((step) => ({
    action: step.action === undefined ? null : actionName(model, step.action),
    index: step.index,
    state: stateView(model, step.state),
  }));
}

/** One progress line, plain text without newline. */
export function progressLine(p: CheckProgress): string {
  return (
    `… ${num(p.distinctStates)} distinct states · ${num(p.statesPerSecond)} states/s · ` +
    `queue ${num(p.queueSize)} · depth ${p.depth} · ${seconds(p.seconds)}`
  );
}

/** What `synod check` prints for a result, given the command that replays a path. */
export function renderResult(
  model: AnyModel,
  result: CheckResult<unknown, unknown>,
  replayCommand: (path: Path<unknown, unknown>) => string,
  s: Style,
): string {
  const st = result.stats;
  const figures =
    `${num(st.distinctStates)} distinct states (${num(st.generatedStates)} generated), depth ${st.depth}, ` +
    `${seconds(st.seconds)} (${num(st.statesPerSecond)} states/s)`;
  const out: string[] = [];
  switch (result.status) {
    case 'ok':
      out.push(`${s.green('✓')} ${s.bold('No violation')}: ${figures}`);
      if (!result.complete) {
        out.push(
          `${s.yellow('!')} the search was cut short by --max-depth or --max-states: states beyond the bound were not explored`,
        );
        if (result.unwitnessed.length > 0)
          out.push(`  no example within the bounds for: ${result.unwitnessed.join(', ')}`);
      }
      break;
    case 'violation': {
      const p = result.property;
      if (result.counterexample === undefined) {
        out.push(
          `${s.red('✗')} ${s.bold(`${p.name} has no example`)} (sometimes): no reachable state satisfies it`,
        );
        if (p.description !== undefined) out.push(`  ${p.name}: ${p.description}`);
        out.push(`  searched ${figures}`);
      } else {
        const cex = result.counterexample;
        out.push(`${s.red('✗')} ${s.bold(`${p.name} is violated`)} (${p.kind})`);
        if (p.description !== undefined) out.push(`  ${p.name}: ${p.description}`);
        out.push(`  after ${figures}`);
        out.push('');
        const shortest = result.strategy === 'bfs' ? ', shortest' : '';
        out.push(`Counterexample (${cex.steps.length - 1} steps${shortest}):`);
        out.push(renderPath(model, cex, s));
        out.push(`Replay: ${replayCommand(cex)}`);
      }
      break;
    }
    case 'deadlock': {
      const cex = result.counterexample;
      out.push(
        `${s.red('✗')} ${s.bold('Deadlock')}: a reachable state has no enabled action (use --no-deadlock to allow it)`,
      );
      out.push(`  after ${figures}`);
      out.push('');
      out.push(`Path to the deadlocked state (${cex.steps.length - 1} steps):`);
      out.push(renderPath(model, cex, s));
      out.push(`Replay: ${replayCommand(cex)}`);
      break;
    }
    case 'error': {
      const what =
        result.phase === 'property'
          ? `property ${result.property ?? '?'}`
          : result.phase === 'next' && result.action !== undefined
            ? `next(${actionName(model, result.action)})`
            : result.phase === 'replay'
              ? 'replay'
              : `${result.phase}()`;
      const step = result.at === undefined ? '' : ` at step ${result.at.steps.length}`;
      out.push(`${s.red('✗')} ${s.bold('The model threw')} in ${what}${step}:`);
      out.push(`  ${userError(result.error)}`);
      if (result.at !== undefined) {
        out.push('');
        out.push(`In the state reached by these ${result.at.steps.length - 1} steps:`);
        out.push(renderPath(model, result.at, s));
        out.push(`Replay: ${replayCommand(result.at)}`);
      }
      break;
    }
  }
  for (const w of result.witnesses) {
    out.push(
      `  example of ${w.property}: ${w.path.steps.length - 1} steps (replay: ${replayCommand(w.path)})`,
    );
  }
  if (result.status !== 'error' && st.distinctStates >= 10_000) {
    out.push(
      s.dim(`  stores: ${st.bytesPerState.toFixed(1)} bytes/state; peak memory ${bytes(st.peakMemoryBytes)}`),
    );
  }
  return out.join('\n') + '\n';
}
