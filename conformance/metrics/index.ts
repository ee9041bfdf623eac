// Public entry of the conformance metrics: `createMetrics` watches one trace's events and returns
// the metrics of `catalog.ts` (decision latency, liveness after stabilization, convergence,
// recovery, failover, PBFT view change, coherence lag, fidelity under adversarial input) as data.
import type { MetricResult, TraceContext, TraceObserver } from '../types.js';
import { MetricsObserver } from './MetricsObserver.js';
import { DEFAULT_SAMPLE_CAPACITY } from './Samples.js';

export { METRICS, METRIC_NAMES, classedName, isMetricName } from './catalog.js';
export type { MetricName, MetricSpec } from './catalog.js';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /**
   * Delay after the last fault boundary (fault, heal, crash, restart, or the trace's start) before
   * every pending client op must be decided, in ms. Default 1000.
   */
  stabilizationMs?: number;
  /** Points kept at most in a metric's chart series. Default 2000 (at least 2). */
  seriesPoints?: number;
  /**
   * Samples kept per metric for exact quantiles; beyond it the quantiles come from a uniform
   * reservoir of that size (count, mean and max stay exact). Default 2^18.
   */
  sampleCapacity?: number;
  /** Slots kept open (decided by some but not every live node) at most. Default 1,000,000. */
  maxOpenSlots?: number;
}

/**
 * Creates the metrics observer of one trace: feed it every valid event in trace order with
 * `event(ev, line)`, then call `finish(end)` once to get the metrics, in the order of
 * {@link METRIC_NAMES}. Memory stays bounded by the protocol's open state (slots not yet decided
 * everywhere, pending client ops), not by the trace's length.
 *
 * @throws RangeError when an option is out of range.
 */
export function createMetrics(
  ctx: TraceContext,
  options: MetricsOptions = {},
): TraceObserver<MetricResult[]> {
  const stabilizationMs = options.stabilizationMs ?? 1000;
  if (!Number.isFinite(stabilizationMs) || stabilizationMs < 0) {
    throw new RangeError(`stabilizationMs must be a finite number of ms >= 0, got ${stabilizationMs}`);
  }
  const maxOpenSlots = options.maxOpenSlots ?? 1_000_000;
  if (!Number.isInteger(maxOpenSlots) || maxOpenSlots < 1) {
    throw new RangeError(`maxOpenSlots must be a positive integer, got ${maxOpenSlots}`);
  }
  return new MetricsObserver(ctx, {
    stabilizationMs,
    seriesPoints: options.seriesPoints ?? 2000,
    sampleCapacity: options.sampleCapacity ?? DEFAULT_SAMPLE_CAPACITY,
    maxOpenSlots,
  });
}
