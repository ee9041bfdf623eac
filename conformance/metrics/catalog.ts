// The metrics the conformance suite computes: stable names, units, one-line descriptions and which
// figures each one has. Thresholds are validated against this list; docs/metrics-and-thresholds.md
// explains each metric in full.
import type { MetricUnit } from '../types.js';

/** What a metric reports: a distribution (`stats`), a headline `value`, or both. */
export interface MetricSpec {
  unit: MetricUnit;
  /** One line: what is measured, from which event to which. */
  description: string;
  /** True when the metric has `stats` (p50, p95, p99, max, mean, count). */
  stats: boolean;
  /** True when the metric has a single headline `value`. */
  value: boolean;
  /**
   * True when it is also reported per criticality class (the `class` of client ops, under adaptive
   * quorums), as `name[class]`, e.g. `decision.quorum[critical]`.
   */
  classes?: boolean;
}

/** Every metric by its stable name, in report order. */
export const METRICS = {
  'decision.quorum': {
    unit: 'ms',
    description:
      'From a client invoke (or, without clients, the first phase-2 accept of the slot) until the deciders form a phase-2 quorum',
    stats: true,
    value: false,
    classes: true,
  },
  'decision.all': {
    unit: 'ms',
    description:
      'From a client invoke (or, without clients, the first phase-2 accept of the slot) until every live node decided the slot',
    stats: true,
    value: false,
    classes: true,
  },
  'liveness.wait': {
    unit: 'ms',
    description:
      'After stabilization, from max(invoke, stabilization) until the client op is decided or answered ok',
    stats: true,
    value: false,
  },
  'liveness.undecided': {
    unit: 'count',
    description:
      'Client ops pending at stabilization or invoked after it that are never decided in the trace',
    stats: false,
    value: true,
  },
  convergence: {
    unit: 'ms',
    description: 'After a partition heals, until every live node holds the same contiguous decided prefix',
    stats: true,
    value: false,
  },
  recovery: {
    unit: 'ms',
    description:
      "After a node restarts, until its decided prefix reaches the cluster's longest prefix at the restart",
    stats: true,
    value: false,
  },
  failover: {
    unit: 'ms',
    description:
      'After the leader (the last sender of a phase-2 accept) crashes, until a new slot is first decided',
    stats: true,
    value: false,
  },
  viewchange: {
    unit: 'ms',
    description:
      'PBFT: from the crash of the primary of the current view (or the first view-change to a higher view) until an honest replica first executes a seq pre-prepared in a later view',
    stats: true,
    value: false,
  },
  'coherence.lag': {
    unit: 'slots',
    description:
      'At each decide, longest minus shortest contiguous decided prefix of the live nodes; value: its time-weighted mean',
    stats: true,
    value: true,
  },
  fidelity: {
    unit: 'ratio',
    description: 'Share of adversarial receives that the receiver rejected and that changed no decision',
    stats: false,
    value: true,
  },
} as const satisfies Record<string, MetricSpec>;

/** A metric's stable name. */
export type MetricName = keyof typeof METRICS;

/** The metric names in report order. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** True when `name` is one of {@link METRIC_NAMES}. */
export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** The result name of `metric` restricted to the ops of criticality class `cls`: `decision.quorum[critical]`. */
export function classedName(metric: MetricName, cls: string): string {
  return `${metric}[${cls}]`;
}
