// The conformance result as data: what `conform()` returns and every report renders. One result per
// run (one or many traces); each trace gets its verdict, its invariants, its metrics and the
// thresholds they were held to. Reports never compute: they only render this object.
import type { TraceError, TraceEvent, TraceHeader } from '../traces/index.js';

/** The verdict of one trace, or of a whole run (the worst of its traces). */
export type Verdict = 'conforms' | 'violated' | 'threshold-missed' | 'malformed';

/** Exit code of each verdict (DESIGN.md): 0, 10, 13, 150. */
export const VERDICT_EXIT: Readonly<Record<Verdict, number>> = {
  conforms: 0,
  violated: 10,
  'threshold-missed': 13,
  malformed: 150,
};

/** Order of severity when a run holds several traces: the worst verdict wins. */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = {
  conforms: 0,
  'threshold-missed': 1,
  violated: 2,
  malformed: 3,
};

/** One event of a violation's window, with the line it is on in the trace. */
export interface WindowEvent {
  line: number;
  event: TraceEvent;
}

/** A broken invariant: where, the smallest window of events that shows it, and a sentence. */
export interface Violation {
  /** The invariant's name, e.g. `agreement`. */
  invariant: string;
  /** One or two sentences that explain what happened, naming nodes, slot and ballots. */
  message: string;
  /** The slot, or the sequence number under PBFT. */
  slot?: number;
  ballot?: { round: number; node: string };
  /** The view, under view-based protocols (PBFT). */
  view?: number;
  /** The node(s) involved. */
  nodes?: string[];
  /** The events that together show the violation, in trace order (line numbers ascending). */
  window: WindowEvent[];
}

/** The status of one invariant on one trace. */
export interface InvariantResult {
  /** Stable name, e.g. `agreement`, `acceptor-promise`. */
  name: string;
  /** One line: what the invariant says. */
  description: string;
  /** `skipped` when the trace has nothing it could be checked on (reason says why). */
  status: 'holds' | 'violated' | 'skipped';
  /** How many times it was checked (decisions, messages, ... depending on the invariant). */
  checks: number;
  /** The first violation, when violated. */
  violation?: Violation;
  /** How many violations were seen in all (the first is kept). */
  violations?: number;
  /** Why it was skipped. */
  reason?: string;
}

/** Units of metric values. `ms` follow the trace's clock. */
export type MetricUnit = 'ms' | 'slots' | 'ratio' | 'count';

/** Order statistics of a metric's samples. */
export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** One metric of one trace. */
export interface MetricResult {
  /** Stable name used by thresholds, e.g. `decision.quorum`, `recovery`, `coherence.lag`. */
  name: string;
  /** One line: what is measured, from which event to which. */
  description: string;
  unit: MetricUnit;
  /** The distribution of its samples; absent (with `reason`) when there were none. */
  stats?: Distribution;
  /** A single headline value for metrics that are one number (e.g. a ratio, a time-weighted mean). */
  value?: number;
  /** Why there is no value (e.g. "no partition healed in this trace"). */
  reason?: string;
  /** Extra named figures (e.g. `undecided: 3`, `longestWaitMs: 812`). */
  detail?: Record<string, number | string>;
  /** Points for a chart, at most a few thousand: `[x, y]` (x is time in ms, or a sample index). */
  series?: Array<[number, number]>;
  /** Items worth listing (e.g. undecided requests), at most 20. */
  items?: Array<{ line: number; text: string }>;
}

/** A threshold as written in the thresholds file, and whether the trace met it. */
export interface ThresholdResult {
  /** `metric.stat`, e.g. `recovery.p99`, or a metric name alone for `value`. */
  key: string;
  /** The text from the file, e.g. `<= 5s`. */
  spec: string;
  op: '<=' | '<' | '>=' | '>' | '==';
  /** The limit in the metric's unit (ms for durations). */
  limit: number;
  /** The measured value; undefined when the metric had no samples. */
  actual?: number;
  /** Met, missed, or not applicable (the metric had no samples: it is not counted as missed). */
  status: 'met' | 'missed' | 'no-data';
}

/** Compact events for the space-time diagram of the HTML report (see `Timeline`). */
export interface Timeline {
  nodes: string[];
  /** Time of each row (ms); when the trace has no times, the event index. */
  clock: 'time' | 'index';
  /** Rows `[t, nodeIndex, kind, peerIndex, line, label]`; kind is a short code, peer -1 when none. */
  events: Array<[number, number, string, number, number, string]>;
  /** Faults as shaded intervals: `[from, to, label, nodeIndexes]` (to = end of trace when never healed). */
  faults: Array<[number, number, string, number[]]>;
  /** True when the trace had more events than the diagram keeps. */
  truncated: boolean;
}

/** The result of checking one trace. */
export interface TraceConformance {
  /** Where the trace came from (a path, or `<stream>`). */
  source: string;
  verdict: Verdict;
  header?: TraceHeader;
  /** Lines read and valid events checked. */
  lines: number;
  events: number;
  /** Malformed-trace errors (verdict `malformed` when there is any). */
  errors: TraceError[];
  invariants: InvariantResult[];
  metrics: MetricResult[];
  thresholds: ThresholdResult[];
  /** For the HTML report, when asked for. */
  timeline?: Timeline;
  /**
   * Wall time of this trace, its events per second, and the process's peak resident memory by the
   * end of it (the whole process: with `jobs`, other traces in flight count too).
   */
  stats: { seconds: number; eventsPerSecond: number; peakRssBytes: number };
}

/** The result of one `conform()` run over one or more traces. */
export interface ConformResult {
  /** Version of this result's JSON shape. */
  format: 'synod-conformance';
  version: 1;
  tool: { name: 'synod'; version: string };
  /** The worst verdict of all traces. */
  verdict: Verdict;
  exitCode: number;
  traces: TraceConformance[];
  /** ISO time the run started; omitted when `deterministic` is asked (golden files). */
  startedAt?: string;
}

/**
 * Something that watches a trace's events as they stream by: a metric, an invariant, the timeline.
 * `event` is called once per valid event in trace order; `finish` once at the end.
 */
export interface TraceObserver<R> {
  event(event: TraceEvent, line: number): void;
  finish(end: TraceEnd): R;
}

/** What an observer learns at the end of a trace. */
export interface TraceEnd {
  /** The last `t` seen (0 when none). */
  lastTime: number;
  /** Number of valid events. */
  events: number;
}

/** Context given to observers when a trace starts. */
export interface TraceContext {
  header: TraceHeader;
}
