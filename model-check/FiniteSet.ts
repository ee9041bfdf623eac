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
    // Words, then the two hash sums. Seeding with 0.5 makes it a double array (its kind never
    // reverts), so sums beyond small-integer range are stored unboxed and copies stay flat.
    const data = new Array<number>(this.words + 2).fill(0.5);
    data.fill(0);
    this.empty = new FiniteSet(this, data, 0);
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
 * in a plain array, which V8 copies faster than it allocates a fresh typed array.
 */
export class FiniteSet<T> implements StructurallyHashed, StructuralHash, Iterable<T> {
  readonly universe: Universe<T>;
  /** The member bits in 16-bit words, then lane 1's and lane 2's sums of member hashes. */
  readonly #data: number[];
  /** Number of elements. */
  readonly size: number;

  /** @internal Use {@link Universe.empty} and {@link FiniteSet.add}. */
  constructor(universe: Universe<T>, data: number[], size: number) {
    this.universe = universe;
    this.#data = data;
    this.size = size;
  }

  /** Lane 1 of the set's fingerprint (the same a plain `Set` of these members has). */
  get lane1(): number {
    return setLane1(this.#data[this.universe.words]!, this.size);
  }

  /** Lane 2 of the set's fingerprint. */
  get lane2(): number {
    return setLane2(this.#data[this.universe.words + 1]!, this.size);
  }

  /** The set is its own structural hash, so reading it allocates nothing. */
  get [structuralHash](): StructuralHash {
    return this;
  }

  /** True when the element with universe index `i` is in the set. */
  hasIndex(i: number): boolean {
    return ((this.#data[i >>> 4]! >>> (i & 15)) & 1) === 1;
  }

  /** True when `item` is in the set. */
  has(item: T): boolean {
    const i = this.universe.indexOf(item);
    return i >= 0 && this.hasIndex(i);
  }

  /** The set with the element of universe index `i` added (this set itself if present). */
  addIndex(i: number): FiniteSet<T> {
    if (this.hasIndex(i)) return this;
    const data = this.#data.slice();
    const u = this.universe;
    const w = u.words;
    data[i >>> 4] = data[i >>> 4]! | (1 << (i & 15));
    data[w] = (data[w]! + u.h1[i]!) | 0;
    data[w + 1] = (data[w + 1]! + u.h2[i]!) | 0;
    return new FiniteSet(u, data, this.size + 1);
  }

  /** The set with `item` added. Throws when `item` is not in the universe. */
  add(item: T): FiniteSet<T> {
    const i = this.universe.indexOf(item);
    if (i < 0) throw new RangeError(`FiniteSet.add: ${JSON.stringify(item)} is not in the universe`);
    return this.addIndex(i);
  }

  /** Universe indices of the members in `[from, to)`, ascending. */
  *indices(from = 0, to = this.universe.items.length): IterableIterator<number> {
    const bits = this.#data;
    const words = this.universe.words;
    for (let w = from >>> 4; w < words && w * 16 < to; w++) {
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
