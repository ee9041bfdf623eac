// A chart series kept to at most `limit` points however long the trace: samples are grouped in
// buckets of `stride` consecutive samples, each bucket keeps its largest sample (so spikes stay
// visible), and when the buckets fill up, neighbours merge and the stride doubles.

/** A streaming, down-sampled `[x, y]` series of at most `limit` points. */
export class Series {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private len = 0;
  private stride = 1;
  private bucketN = 0;
  private bucketX = 0;
  private bucketY = -Infinity;

  /** `limit`: the most points {@link Series.points} returns (at least 2). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 2) {
      throw new RangeError(`seriesPoints must be an integer of at least 2, got ${limit}`);
    }
    this.xs = new Float64Array(limit);
    this.ys = new Float64Array(limit);
  }

  /** Adds one sample. */
  add(x: number, y: number): void {
    if (this.bucketN === 0 || y > this.bucketY) {
      this.bucketX = x;
      this.bucketY = y;
    }
    if (++this.bucketN < this.stride) return;
    this.xs[this.len] = this.bucketX;
    this.ys[this.len] = this.bucketY;
    this.len++;
    this.bucketN = 0;
    if (this.len === this.limit) this.halve();
  }

  /** The points so far, in order (the partial last bucket included). */
  points(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.len; i++) out.push([this.xs[i] as number, this.ys[i] as number]);
    if (this.bucketN > 0) out.push([this.bucketX, this.bucketY]);
    return out;
  }

  private halve(): void {
    let w = 0;
    for (let r = 0; r + 1 < this.len; r += 2) {
      const a = this.ys[r] as number;
      const b = this.ys[r + 1] as number;
      const k = b > a ? r + 1 : r;
      this.xs[w] = this.xs[k] as number;
      this.ys[w] = this.ys[k] as number;
      w++;
    }
    if (this.len % 2 === 1) {
      // An odd point left over: it becomes the current (partial) bucket of the doubled stride.
      this.bucketX = this.xs[this.len - 1] as number;
      this.bucketY = this.ys[this.len - 1] as number;
      this.bucketN = this.stride;
    }
    this.len = w;
    this.stride *= 2;
  }
}
