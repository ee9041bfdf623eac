// A persistent (immutable, structurally shared) map from non-negative integer keys to values: a
// 32-way radix trie. `set` copies one path (at most 11 small arrays for any safe integer), so a
// pure node can keep its whole log and op index without copying them on every step.

type Trie = readonly unknown[];

const BITS = 5;
const WIDTH = 1 << BITS;

function checkKey(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0)
    throw new RangeError(`IntMap: key must be a non-negative safe integer, got ${k}`);
}

/** A persistent map from non-negative safe integers to `V`. */
export class IntMap<V> {
  private static readonly EMPTY = new IntMap<never>(undefined, 0, 0);

  private constructor(
    private readonly root: Trie | undefined,
    /** Keys below `WIDTH ** (levels)` fit; 0 levels means empty. */
    private readonly levels: number,
    /** Number of keys present. */
    readonly size: number,
  ) {}

  static empty<V>(): IntMap<V> {
    return IntMap.EMPTY;
  }

  get(k: number): V | undefined {
    if (this.root === undefined || k < 0 || k >= WIDTH ** this.levels) return undefined;
    let node: Trie | undefined = this.root;
    for (let level = this.levels - 1; level > 0; level--) {
      node = node[Math.floor(k / WIDTH ** level) % WIDTH] as Trie | undefined;
      if (node === undefined) return undefined;
    }
    return node[k % WIDTH] as V | undefined;
  }

  has(k: number): boolean {
    return this.get(k) !== undefined;
  }

  /** A map with `k` bound to `v` (`undefined` removes the key). */
  set(k: number, v: V | undefined): IntMap<V> {
    checkKey(k);
    const had = this.get(k) !== undefined;
    if (v === undefined && !had) return this;
    let root = this.root;
    let levels = Math.max(this.levels, 1);
    if (root === undefined) root = [];
    while (k >= WIDTH ** levels) {
      root = [root];
      levels++;
    }
    const put = (node: Trie | undefined, level: number): Trie => {
      const copy = node === undefined ? [] : node.slice();
      if (level === 0) copy[k % WIDTH] = v;
      else {
        const i = Math.floor(k / WIDTH ** level) % WIDTH;
        copy[i] = put(copy[i] as Trie | undefined, level - 1);
      }
      return copy;
    };
    const size = this.size + (v === undefined ? -1 : had ? 0 : 1);
    return new IntMap<V>(put(root, levels - 1), levels, size);
  }
}
