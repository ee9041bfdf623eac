// The simulator's one source of randomness: xoshiro128** (Blackman and Vigna), seeded through
// splitmix32, with a state that can be saved and restored. Fast (32-bit integer ops only) and the
// same on every platform, so a seed replays a run exactly.

/** A seeded pseudo-random generator with savable state. */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** @param seed - any safe integer; its low and high 32 bits both count. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Prng: the seed must be a safe integer, got ${String(seed)}`);
    }
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000) | 0, 0x9e3779b9);
    const next = (): number => {
      // splitmix32: spreads a small seed over the whole state (xoshiro must not start at zero).
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
  }

  /** A generator continuing from a state returned by {@link Prng.state}. */
  static fromState(state: readonly [number, number, number, number]): Prng {
    const p = new Prng(0);
    [p.#a, p.#b, p.#c, p.#d] = state.map((v) => v >>> 0) as [number, number, number, number];
    if ((p.#a | p.#b | p.#c | p.#d) === 0)
      throw new RangeError('Prng.fromState: the state must not be all zero');
    return p;
  }

  /** The current state (four unsigned 32-bit words). */
  state(): [number, number, number, number] {
    return [this.#a, this.#b, this.#c, this.#d];
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const b = this.#b;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.#c ^= this.#a;
    this.#d ^= b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return r;
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** A float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An exponentially distributed float with the given mean. */
  exponential(mean: number): number {
    // 1 - next() is in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.next());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
