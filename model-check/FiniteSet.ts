// An immutable set over a finite universe of values known up front (a protocol's possible
// messages under given constants). A set is a bitset plus a commutative hash kept up to date on
// every add, so a spec's growing `msgs` costs O(words) to extend and O(1) to fingerprint.

import {
  fingerprint,
  setLane1,
  setLane2,
  setMember,
  structuralHash,
  type StructuralHash,
  type StructurallyHashed,
} from './fingerprint.js';

/**
 * The values a {@link FiniteSet} may hold, each with a dense index and a precomputed hash.
 * Build one per model instance; iteration order of every set over it is the universe's order.
 */
export class Universe<T> {
  /** The values in index order. */
  readonly items: readonly T[];
  readonly #index = new Map<string, number>();
  readonly #key: (item: T) => string;
  /** Each item's contribution to a set's commutative hash sum, per lane. */
  readonly h1: Uint32Array;
  readonly h2: Uint32Array;
  /** Number of words of a set over this universe (16 bits each, see FiniteSet). */
  readonly words: number;
  /** The empty set over this universe. */
  readonly empty: FiniteSet<T>;

  /**
   * @param items - every value a set may hold, in the order sets iterate them.
   * @param key - a string key unique per item, used by {@link Universe.indexOf}.
   */
  constructor(items: readonly T[], key: (item: T) => string) {
    this.items = items;
    this.#key = key;
    this.h1 = new Uint32Array(items.length);
    this.h2 = new Uint32Array(items.length);
    items.forEach((item, i) => {
      const k = key(item);
      if (this.#index.has(k)) throw new Error(`Universe: two items share the key ${JSON.stringify(k)}`);
      this.#index.set(k, i);
      const fp = fingerprint(item);
      this.h1[i] = setMember(fp.hi);
      this.h2[i] = setMember(fp.lo);
    });
    this.words = Math.max(1, Math.ceil(items.length / 16));
    this.empty = new FiniteSet(this, new Array<number>(this.words).fill(0), 0, 0, 0);
  }

  /** Index of `item`, or -1 when it is not in the universe. */
  indexOf(item: T): number {
    return this.#index.get(this.#key(item)) ?? -1;
  }

  /** Build a set from items (each must belong to the universe). */
  of(...items: T[]): FiniteSet<T> {
    let s = this.empty;
    for (const item of items) s = s.add(item);
    return s;
  }
}

/**
 * An immutable set of values drawn from a {@link Universe}. Members are bits in 16-bit words held
 * in a plain array: small integers that V8 copies and reads faster than a fresh typed array.
 */
export class FiniteSet<T> implements StructurallyHashed, StructuralHash, Iterable<T> {
  readonly universe: Universe<T>;
  readonly #bits: number[];
  readonly #sum1: number;
  readonly #sum2: number;
  /** Number of elements. */
  readonly size: number;
  /** Lane 1 of the set's fingerprint (the same a plain `Set` of these members has). */
  readonly lane1: number;
  /** Lane 2 of the set's fingerprint. */
  readonly lane2: number;

  /** @internal Use {@link Universe.empty} and {@link FiniteSet.add}. */
  constructor(universe: Universe<T>, bits: number[], sum1: number, sum2: number, size: number) {
    this.universe = universe;
    this.#bits = bits;
    this.#sum1 = sum1;
    this.#sum2 = sum2;
    this.size = size;
    this.lane1 = setLane1(sum1, size);
    this.lane2 = setLane2(sum2, size);
  }

  /** The set is its own structural hash, so reading it allocates nothing. */
  get [structuralHash](): StructuralHash {
    return this;
  }

  /** True when the element with universe index `i` is in the set. */
  hasIndex(i: number): boolean {
    return ((this.#bits[i >>> 4]! >>> (i & 15)) & 1) === 1;
  }

  /** True when `item` is in the set. */
  has(item: T): boolean {
    const i = this.universe.indexOf(item);
    return i >= 0 && this.hasIndex(i);
  }

  /** The set with the element of universe index `i` added (this set itself if present). */
  addIndex(i: number): FiniteSet<T> {
    if (this.hasIndex(i)) return this;
    const bits = this.#bits.slice();
    bits[i >>> 4]! |= 1 << (i & 15);
    const u = this.universe;
    return new FiniteSet(u, bits, (this.#sum1 + u.h1[i]!) | 0, (this.#sum2 + u.h2[i]!) | 0, this.size + 1);
  }

  /** The set with `item` added. Throws when `item` is not in the universe. */
  add(item: T): FiniteSet<T> {
    const i = this.universe.indexOf(item);
    if (i < 0) throw new RangeError(`FiniteSet.add: ${JSON.stringify(item)} is not in the universe`);
    return this.addIndex(i);
  }

  /** Universe indices of the members in `[from, to)`, ascending. */
  *indices(from = 0, to = this.universe.items.length): IterableIterator<number> {
    const bits = this.#bits;
    for (let w = from >>> 4; w < bits.length && w * 16 < to; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        word &= word - 1;
        const i = w * 16 + bit;
        if (i >= from && i < to) yield i;
      }
    }
  }

  /** Members in universe order. */
  *[Symbol.iterator](): IterableIterator<T> {
    const items = this.universe.items;
    for (const i of this.indices()) yield items[i]!;
  }

  /** Members as an array, in universe order. */
  toArray(): T[] {
    return [...this];
  }

  /** Plain JSON form (an array), so states print and serialize readably. */
  toJSON(): T[] {
    return this.toArray();
  }
}
