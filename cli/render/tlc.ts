// Rendering of `synod tlc` results: the summary line, TLC's error trace as step-by-step diffs of
// its printed values, TLC's messages, and the JSON object of `--json`.

import { diffStates, type TlcReport, type TlcStep } from '../../model-check/index.js';
import type { Style } from './style.js';

/** Thousands separators, e.g. `185,369`. */
export function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// TLC values, split one level deep so that a diff can name what changed.

/** Split `text` at `sep` where it is not nested in brackets, tuples or strings. */
function splitTopLevel(text: string, sep: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      depth++;
      i++;
    } else if (c === '>' && text[i + 1] === '>' && depth > 0) {
      depth--;
      i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i).trim());
      start = i + sep.length;
      i += sep.length - 1;
    }
    if (depth < 0) return null;
  }
  if (depth !== 0) return null;
  parts.push(text.slice(start).trim());
  return parts;
}

/** `key <sep> value` split at the first top-level `sep`. */
function pairs(parts: string[], sep: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of parts) {
    const kv = splitTopLevel(part, sep);
    if (kv === null || kv.length !== 2 || kv[0] === '') return null;
    out[kv[0]!] = kv[1]!;
  }
  return out;
}

/**
 * A TLC value made comparable one level deep: a set `{a, b}` becomes its elements, a function
 * `(k1 :> v1 @@ k2 :> v2)` or a record `[f |-> v]` becomes a record of its entries (values kept
 * as TLC text); anything else stays the text itself.
 */
export function tlcValueView(text: string): unknown {
  const t = text.trim();
  const inner = t.slice(1, -1).trim();
  if (t.startsWith('{') && t.endsWith('}')) {
    if (inner === '') return [];
    return splitTopLevel(inner, ',') ?? t;
  }
  if (t.startsWith('(') && t.endsWith(')')) {
    const entries = splitTopLevel(inner, '@@');
    return (entries !== null && pairs(entries, ':>')) || t;
  }
  if (t.startsWith('[') && t.endsWith(']') && !t.startsWith('[]')) {
    const fields = splitTopLevel(inner, ',');
    return (fields !== null && pairs(fields, '|->')) || t;
  }
  return t;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `{${v.map(show).join(', ')}}`;
  if (v !== null && typeof v === 'object') {
    return `(${Object.entries(v)
      .map(([k, x]) => `${k} :> ${show(x)}`)
      .join(' @@ ')})`;
  }
  return String(v);
}

const view = (step: TlcStep): Record<string, unknown> =>
  Object.fromEntries(Object.entries(step.variables).map(([k, v]) => [k, tlcValueView(v)]));

/** TLC's error trace: the first state in full, then each step and only what it changed. */
export function renderTlcTrace(trace: readonly TlcStep[], s: Style): string {
  const lines: string[] = [];
  let prev: TlcStep | undefined;
  for (const step of trace) {
    const n = s.dim(String(step.index).padStart(3));
    const where = step.location === undefined ? '' : `  ${s.dim(step.location)}`;
    if (step.loopsBackTo !== undefined) {
      lines.push(`${n}  ${s.bold(step.action)}${where}`);
      lines.push(s.dim(`       (back to state ${step.loopsBackTo}: the behavior loops from there forever)`));
      continue;
    }
    if (step.action === 'Stuttering') {
      lines.push(`${n}  ${s.bold('Stuttering')}`);
      lines.push(s.dim(`       (state ${step.index - 1} repeats forever)`));
      continue;
    }
    lines.push(`${n}  ${s.bold(step.action)}${where}`);
    if (prev === undefined) {
      for (const [k, v] of Object.entries(step.variables)) lines.push(`       ${k} = ${v}`);
    } else {
      const changes = diffStates(view(prev), view(step));
      if (changes.length === 0) lines.push(s.dim('       (no change: a stuttering step)'));
      for (const c of changes) {
        if (c.kind === 'set') lines.push(`       ${c.path}: ${show(c.from)} ${s.dim('→')} ${show(c.to)}`);
        else if (c.kind === 'added') lines.push(`       ${c.path} ${s.green('+')} ${show(c.value)}`);
        else lines.push(`       ${c.path} ${s.red('−')} ${show(c.value)}`);
      }
    }
    prev = step;
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The summary.

/** What the command knows besides the report. */
export interface TlcContext {
  /** The module, as the user should read it (relative to the working directory). */
  file: string;
  /** The config, likewise, if one was used. */
  config: string | undefined;
  /** Seconds measured around the run, used when TLC printed none. */
  wallSeconds: number;
  /** TLC's own exit code. */
  tlcExitCode: number;
  /** The command line that reruns this check. */
  reproduce: string;
}

function stats(r: TlcReport, ctx: TlcContext): string {
  const parts: string[] = [];
  if (r.distinctStates !== undefined) {
    const generated = r.generatedStates !== undefined ? ` (${num(r.generatedStates)} generated)` : '';
    parts.push(`${num(r.distinctStates)} distinct states${generated}`);
  }
  if (r.depth !== undefined) parts.push(`depth ${r.depth}`);
  parts.push(`in ${seconds(r.seconds ?? ctx.wallSeconds)}`);
  return parts.join(', ');
}

function verdict(r: TlcReport): string {
  switch (r.status) {
    case 'violation':
      switch (r.violation) {
        case 'action-property':
          return `Action property ${r.property ?? '?'} is violated`;
        case 'temporal':
          if (r.property === undefined) return 'Temporal properties are violated';
          return r.property.includes(',')
            ? `Temporal properties ${r.property} are violated`
            : `Temporal property ${r.property} is violated`;
        case 'invariant':
        case undefined:
          return `Invariant ${r.property ?? '?'} is violated`;
      }
      break;
    case 'deadlock':
      return 'Deadlock reached: a reachable state has no successor';
    case 'error':
      switch (r.errorKind) {
        case 'parse':
          return 'TLC reported a parse or semantic error in the spec';
        case 'config':
          return 'TLC reported an error in the model config';
        case 'assumption':
          return 'An ASSUME of the spec is false for these constants';
        case 'evaluation':
          return 'TLC could not evaluate the spec';
        case 'other':
        case undefined:
          return 'TLC reported an error';
      }
      break;
    case 'ok':
      return 'No violation';
    case 'unknown':
      return 'TLC finished without a verdict synod understands';
  }
  return 'TLC reported an error';
}

const indent = (text: string, by = '  '): string =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');

/** The terminal text of a TLC run. */
export function renderTlcResult(r: TlcReport, ctx: TlcContext, s: Style): string {
  const out: string[] = [];
  const config = ctx.config === undefined ? '' : ` (config ${ctx.config})`;
  out.push(`${r.version === undefined ? 'TLC' : `TLC ${r.version}`} on ${ctx.file}${config}`);
  if (r.status === 'ok') {
    out.push(`${s.green('✓')} No violation: ${stats(r, ctx)}`);
    return out.join('\n') + '\n';
  }
  out.push(`${s.red('✗')} ${s.bold(verdict(r))}`);
  if (r.status === 'unknown') {
    out.push(`  TLC exited with code ${ctx.tlcExitCode}; its last lines are on stderr.`);
    return out.join('\n') + '\n';
  }
  if (r.distinctStates !== undefined || r.depth !== undefined) out.push(`  ${stats(r, ctx)}`);
  if (r.status === 'error') {
    out.push('');
    for (const m of r.messages) out.push(indent(m), '');
  }
  const trace = r.counterexample;
  if (trace !== undefined && trace.length > 0) {
    const what = r.status === 'error' ? 'Trace to the state where it failed' : 'Error trace';
    out.push('', `${what} (${trace.length} ${trace.length === 1 ? 'state' : 'states'}, as TLC printed it):`);
    out.push(renderTlcTrace(trace, s).trimEnd());
  }
  if (r.status !== 'error') out.push('', `Reproduce: ${ctx.reproduce}`);
  return out.join('\n').trimEnd() + '\n';
}

/** The JSON object of `synod tlc --json`. */
export function tlcJson(r: TlcReport, ctx: TlcContext, exitCode: number): Record<string, unknown> {
  return {
    tool: 'tlc',
    file: ctx.file,
    config: ctx.config ?? null,
    status: r.status,
    violation: r.violation ?? null,
    errorKind: r.errorKind ?? null,
    property: r.property ?? null,
    version: r.version ?? null,
    distinctStates: r.distinctStates ?? null,
    generatedStates: r.generatedStates ?? null,
    queueLeft: r.queueLeft ?? null,
    depth: r.depth ?? null,
    seconds: r.seconds ?? ctx.wallSeconds,
    wallSeconds: ctx.wallSeconds,
    exitCode,
    tlcExitCode: ctx.tlcExitCode,
    counterexample: r.counterexample ?? null,
    messages: r.messages,
    warnings: r.warnings,
    reproduce: ctx.reproduce,
  };
}
