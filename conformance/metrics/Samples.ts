// A metric's samples and their order statistics in bounded memory: exact while there are at most
// `capacity` samples, then a uniform reservoir (Algorithm R, fixed seed: the same trace gives the
// same figures) for the quantiles, while count, mean and max stay exact.
import type { Distribution } from '../types.js';

/** Default reservoir size: 2^18 samples (2 MiB of doubles per metric). */
export const DEFAULT_SAMPLE_CAPACITY = 1 << 18;

/** Accumulates samples of one metric; {@link Samples.stats} gives nearest-rank quantiles. */
export class Samples {
  /** Number of samples added (exact, also beyond the reservoir). */
  count = 0;
  /** Samples that were negative (clocks out of step) and were counted as 0. */
  negatives = 0;
  private sum = 0;
  private maxValue = -Infinity;
  private buf: Float64Array;
  private stored = 0;
  private rng = 0x9e3779b9;

  /** `capacity`: samples kept for the quantiles (at least 1). */
  constructor(readonly capacity: number = DEFAULT_SAMPLE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Samples capacity must be a positive integer, got ${capacity}`);
    }
    this.buf = new Float64Array(Math.min(capacity, 1024));
  }

  /** Adds one sample; a negative one counts as 0 (and in {@link Samples.negatives}). */
  add(x: number): void {
    if (x < 0) {
      this.negatives++;
      x = 0;
    }
    this.count++;
    this.sum += x;
    if (x > this.maxValue) this.maxValue = x;
    if (this.stored < this.capacity) {
      if (this.stored === this.buf.length) {
        const grown = new Float64Array(Math.min(this.capacity, this.buf.length * 2));
        grown.set(this.buf);
        this.buf = grown;
      }
      this.buf[this.stored++] = x;
      return;
    }
    // Algorithm R: the new sample replaces a random kept one with probability capacity/count.
    const j = Math.floor(this.random() * this.count);
    if (j < this.capacity) this.buf[j] = x;
  }

  /** Forgets every sample (e.g. when a later fault moves the stabilization point). */
  reset(): void {
    this.count = 0;
    this.negatives = 0;
    this.sum = 0;
    this.maxValue = -Infinity;
    this.stored = 0;
  }

  /** The largest sample, or undefined when there is none. */
  get max(): number | undefined {
    return this.count === 0 ? undefined : this.maxValue;
  }

  /**
   * Nearest-rank quantiles (the p-quantile is the ⌈p·n⌉-th smallest kept sample), exact count,
   * mean and max; undefined when there are no samples.
   */
  stats(): Distribution | undefined {
    if (this.count === 0) return undefined;
    const kept = this.buf.subarray(0, this.stored).sort();
    const q = (p: number): number => kept[Math.max(0, Math.ceil(p * kept.length) - 1)] as number;
    return {
      count: this.count,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      max: this.maxValue,
      mean: this.sum / this.count,
    };
  }

  // xorshift32: deterministic, no allocation.
  private random(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }
}
