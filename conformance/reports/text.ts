// Words and numbers shared by every report: verdict phrases, metric values in their unit, events in
// one compact line, trace summaries. Pure functions of the result; no report computes a verdict.
import { formatTraceError } from '../../traces/index.js';
import type { TraceError, TraceEvent } from '../../traces/index.js';
import { ballotLabel, messageLabel, shortValue } from '../timeline.js';
import type {
  ConformResult,
  InvariantResult,
  MetricResult,
  MetricUnit,
  ThresholdResult,
  TraceConformance,
  Verdict,
  Violation,
} from '../types.js';

/** The phrase of each verdict, as reports print it. */
export const VERDICT_TEXT: Readonly<Record<Verdict, string>> = {
  conforms: 'conforms',
  violated: 'safety violated',
  'threshold-missed': 'threshold missed',
  malformed: 'malformed',
};

// C0 and C1 control characters other than tab and newline (ESC would let trace text drive the terminal).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

// A surrogate without its pair cannot be written as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Trace-controlled text made inert for terminals and Markdown: control characters (but tab and
 * newline) and lone surrogates become U+FFFD.
 */
export function stripControls(s: string): string {
  return s.replace(CONTROL, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** `✓` for a conforming verdict, `✗` otherwise. */
export function verdictMark(v: Verdict): string {
  return v === 'conforms' ? '✓' : '✗';
}

/** A number with at most `digits` decimals, trailing zeros dropped (`1.5`, `12`, `0.333`). */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A duration in ms as people read it: `812ms`, `1.2s`, `3.4min`, `2.5h`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  if (a < 10) return `${formatNumber(ms, 2)}ms`;
  if (a < 1000) return `${Math.round(ms)}ms`;
  if (a < 60_000) return `${formatNumber(ms / 1000, 1)}s`;
  if (a < 3_600_000) return `${formatNumber(ms / 60_000, 1)}min`;
  return `${formatNumber(ms / 3_600_000, 1)}h`;
}

/** A metric value in its unit: durations via {@link formatMs}, ratios with three decimals. */
export function formatValue(v: number, unit: MetricUnit): string {
  switch (unit) {
    case 'ms':
      return formatMs(v);
    case 'ratio':
      return formatNumber(v, 3);
    case 'slots':
    case 'count':
      return formatNumber(v, 2);
    default:
      return unreachable(unit);
  }
}

/** An integer with thousands separators (`1,204,000`), independent of the locale. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The unit of the metric a threshold key names (`recovery.p99` → `recovery`'s unit). */
export function thresholdUnit(t: ThresholdResult, metrics: readonly MetricResult[]): MetricUnit {
  const m = metrics.find((x) => x.name === t.key || t.key.startsWith(`${x.name}.`));
  if (m !== undefined && t.key === `${m.name}.count`) return 'count'; // a sample count, whatever the unit
  return m?.unit ?? 'count';
}

/** `recovery.p99 <= 5s: 1.2s` style parts of a threshold line. */
export function thresholdText(
  t: ThresholdResult,
  metrics: readonly MetricResult[],
): { rule: string; actual: string } {
  const unit = thresholdUnit(t, metrics);
  return {
    rule: `${t.key} ${t.spec}`,
    actual: t.actual === undefined ? 'no data' : formatValue(t.actual, unit),
  };
}

/** Every violated invariant's first violation, in report order. */
export function allViolations(
  trace: TraceConformance,
): Array<{ invariant: InvariantResult; violation: Violation }> {
  const out: Array<{ invariant: InvariantResult; violation: Violation }> = [];
  for (const inv of trace.invariants) {
    if (inv.status === 'violated' && inv.violation !== undefined)
      out.push({ invariant: inv, violation: inv.violation });
  }
  return out;
}

/** One event in one line: `send n1→n2 accept b1.n1 s0 "x"`, `decide n2 s0 "x" b1.n1`, ... */
export function eventText(ev: TraceEvent): string {
  const at = ev.t === undefined ? '' : ` @${formatNumber(ev.t, 3)}`;
  switch (ev.kind) {
    case 'send':
      return `send ${ev.node}→${ev.to} ${messageLabel(ev.msg)}${msgValue(ev.msg)}${at}`;
    case 'recv':
      return `recv ${ev.node}←${ev.from} ${messageLabel(ev.msg)}${msgValue(ev.msg)}${at}`;
    case 'decide':
      return `decide ${ev.node} s${ev.slot} ${shortValue(ev.value, 40)}${ev.ballot === undefined ? '' : ` ${ballotLabel(ev.ballot)}`}${at}`;
    case 'state':
    case 'persist':
      return `${ev.kind} ${ev.node} ${shortValue(ev.vars, 60)}${at}`;
    case 'timer':
      return `timer ${ev.node} ${ev.name} ${ev.action}${ev.after === undefined ? '' : ` ${ev.after}ms`}${at}`;
    case 'crash':
    case 'restart':
      return `${ev.kind} ${ev.node}${at}`;
    case 'fault': {
      let s = `fault ${ev.fault}`;
      if (ev.id !== undefined) s += ` #${String(ev.id)}`;
      if (ev.groups !== undefined) s += ` ${ev.groups.map((g) => g.join(' ')).join(' | ')}`;
      if (ev.nodes !== undefined) s += ` ${ev.nodes.join(' ')}`;
      if (ev.node !== undefined) s += ` ${ev.node}`;
      return s + at;
    }
    case 'heal':
      return `heal${ev.fault === undefined ? '' : ` ${ev.fault}`}${ev.id === undefined ? '' : ` #${String(ev.id)}`}${at}`;
    case 'reconfig':
      return `reconfig s${ev.slot} ${ev.quorum.kind}${ev.nodes === undefined ? '' : ` ${ev.nodes.join(' ')}`}${at}`;
    case 'invoke':
    case 'ok':
    case 'fail':
    case 'info':
      return `${ev.kind} p${String(ev.process)} op${ev.op} ${ev.f}${ev.value === undefined ? '' : ` ${shortValue(ev.value, 40)}`}${ev.node === undefined ? '' : ` via ${ev.node}`}${at}`;
    default:
      return `${ev.kind}${typeof ev.node === 'string' ? ` ${ev.node}` : ''}${at}`;
  }
}

function msgValue(msg: Record<string, unknown>): string {
  return 'value' in msg ? ` ${shortValue(msg['value'], 40)}` : '';
}

/** The window of a violation as `line N  event` rows. */
export function windowLines(v: Violation): Array<{ line: number; text: string }> {
  return v.window.map((w) => ({ line: w.line, text: eventText(w.event) }));
}

/** A malformed-trace error as `file:line:column: code: message`. */
export function errorText(e: TraceError, source: string): string {
  return formatTraceError(e, source);
}

/** `3/3 hold`, `2/3 hold, 1 violated`, ... for a summary row. */
export function invariantSummary(t: TraceConformance): string {
  const held = t.invariants.filter((i) => i.status === 'holds').length;
  const violated = t.invariants.filter((i) => i.status === 'violated').length;
  const skipped = t.invariants.filter((i) => i.status === 'skipped').length;
  const checked = t.invariants.length - skipped;
  let s = `${held}/${checked} hold`;
  if (violated > 0) s += `, ${violated} violated`;
  if (skipped > 0) s += `, ${skipped} skipped`;
  return s;
}

/** `2/3 met`, `1 missed`, `-` when there are no thresholds. */
export function thresholdSummary(t: TraceConformance): string {
  if (t.thresholds.length === 0) return '-';
  const met = t.thresholds.filter((x) => x.status === 'met').length;
  const missed = t.thresholds.filter((x) => x.status === 'missed').length;
  const noData = t.thresholds.filter((x) => x.status === 'no-data').length;
  let s = `${met}/${t.thresholds.length - noData} met`;
  if (missed > 0) s += `, ${missed} missed`;
  if (noData > 0) s += `, ${noData} no data`;
  return s;
}

/** The headline: `✗ safety violated (1 of 3 traces fail, exit 10)`. */
export function headline(result: ConformResult): string {
  const bad = result.traces.filter((t) => t.verdict !== 'conforms').length;
  const n = result.traces.length;
  const scope =
    n === 1 ? '1 trace' : result.verdict === 'conforms' ? `${n} traces` : `${bad} of ${n} traces fail`;
  return `${verdictMark(result.verdict)} ${VERDICT_TEXT[result.verdict]} (${scope}, exit ${result.exitCode})`;
}

/** Protocol, node count, events and time of a trace, for its section heading. */
export function traceFacts(t: TraceConformance): string {
  const parts: string[] = [];
  if (t.header !== undefined) parts.push(t.header.protocol, `${t.header.nodes.length} nodes`);
  parts.push(`${formatCount(t.events)} events`);
  if (t.stats.seconds > 0) parts.push(`${formatNumber(t.stats.seconds, 2)}s`);
  return parts.join(', ');
}

function unreachable(x: never): never {
  throw new Error(`unreachable: ${String(x)}`);
}
