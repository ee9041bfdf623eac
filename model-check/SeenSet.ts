// The seen-set: 64-bit state fingerprints in an open-addressing table over typed arrays, each
// mapped to the dense index of the state that first produced it. Grows by doubling; stores
// fingerprints only (states are rebuilt from the predecessor store when needed).

const EMPTY = -1;

/** A set of 64-bit fingerprints (two 32-bit halves), each with the index of its state. */
export class SeenSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #ids: Int32Array;
  #mask: number;
  #size = 0;

  /** @param capacity - initial slot count, rounded up to a power of two. */
  constructor(capacity = 1 << 12) {
    let n = 16;
    while (n < capacity) n *= 2;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#ids = new Int32Array(n).fill(EMPTY);
    this.#mask = n - 1;
  }

  /** Number of fingerprints stored. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.#hi.byteLength + this.#lo.byteLength + this.#ids.byteLength;
  }

  /** The state index stored for the fingerprint, or -1. */
  get(hi: number, lo: number): number {
    const mask = this.#mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const id = this.#ids[slot]!;
      if (id === EMPTY) return EMPTY;
      if (this.#lo[slot] === lo && this.#hi[slot] === hi) return id;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Insert the fingerprint with state index `id` unless present.
   * @returns -1 when it was new (and is now stored), else the index already stored.
   */
  insert(hi: number, lo: number, id: number): number {
    if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) this.#grow();
    const mask = this.#mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const existing = this.#ids[slot]!;
      if (existing === EMPTY) {
        this.#hi[slot] = hi;
        this.#lo[slot] = lo;
        this.#ids[slot] = id;
        this.#size++;
        return EMPTY;
      }
      if (this.#lo[slot] === lo && this.#hi[slot] === hi) return existing;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const oldHi = this.#hi;
    const oldLo = this.#lo;
    const oldIds = this.#ids;
    const n = oldIds.length * 2;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#ids = new Int32Array(n).fill(EMPTY);
    this.#mask = n - 1;
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s]!;
      if (id === EMPTY) continue;
      const hi = oldHi[s]!;
      const lo = oldLo[s]!;
      let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.#mask;
      while (this.#ids[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
      this.#hi[slot] = hi;
      this.#lo[slot] = lo;
      this.#ids[slot] = id;
    }
  }
}
