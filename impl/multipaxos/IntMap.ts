// A persistent (immutable, structurally shared) map from non-negative integer keys to values: a
// 16-way radix trie. `set` copies one path (four arrays of 16 for keys below 65,536), so a pure node
// can keep its whole log and op index without copying them on every step. Removing a key prunes
// the branches it leaves empty, so iteration stays proportional to what the map holds.

type Trie = unknown[];

const BITS = 4;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** CAPACITY[l]: keys below it fit in a trie of l levels (16 ** 14 > 2 ** 53). */
const CAPACITY: readonly number[] = Array.from({ length: 15 }, (_, l) => WIDTH ** l);

function checkKey(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0)
    throw new RangeError(`IntMap: key must be a non-negative safe integer, got ${k}`);
}

/** The digit of `k` at `level` (level 0: the leaf). Shifts while they are exact, division beyond. */
function digit(k: number, level: number): number {
  return k <= 0x7fffffff && level < 8
    ? (k >> (BITS * level)) & MASK
    : Math.floor(k / CAPACITY[level]!) % WIDTH;
}

/** After a removal along `k`'s (freshly copied) path: drop the nodes left empty. True if `node` is empty. */
function prune(node: Trie, k: number, level: number): boolean {
  if (level > 0) {
    const d = digit(k, level);
    if (prune(node[d] as Trie, k, level - 1)) node[d] = undefined;
  }
  for (let i = 0; i < node.length; i++) if (node[i] !== undefined) return false;
  return true;
}

/** The value at `k` in the trie `root` of `levels` levels. */
function lookup<V>(root: Trie | undefined, levels: number, k: number): V | undefined {
  if (root === undefined || !(k >= 0) || k >= CAPACITY[levels]!) return undefined;
  let node: Trie | undefined = root;
  for (let level = levels - 1; level > 0; level--) {
    node = node[digit(k, level)] as Trie | undefined;
    if (node === undefined) return undefined;
  }
  return node[digit(k, 0)] as V | undefined;
}

/** Calls `f` on every entry below `node` (at `level`, keys from `base`) in ascending key order. */
function walk<V>(node: Trie, level: number, base: number, f: (value: V, key: number) => void): void {
  for (let d = 0; d < node.length; d++) {
    const x = node[d];
    if (x === undefined) continue;
    if (level === 0) f(x as V, base + d);
    else walk(x as Trie, level - 1, base + d * CAPACITY[level]!, f);
  }
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
    return lookup<V>(this.root, this.levels, k);
  }

  has(k: number): boolean {
    return this.get(k) !== undefined;
  }

  /** A map with `k` bound to `v` (`undefined` removes the key). */
  set(k: number, v: V | undefined): IntMap<V> {
    checkKey(k);
    const had = this.get(k) !== undefined;
    if (v === undefined && !had) return this;
    let root: Trie = this.root ?? [];
    let levels = Math.max(this.levels, 1);
    while (k >= CAPACITY[levels]!) {
      root = [root];
      levels++;
    }
    const size = this.size + (v === undefined ? -1 : had ? 0 : 1);
    if (size === 0) return IntMap.EMPTY;
    // Copy the path from the root to the leaf.
    const top = root.slice();
    let node = top;
    for (let level = levels - 1; level > 0; level--) {
      const d = digit(k, level);
      const child = node[d] as Trie | undefined;
      const copy = child === undefined ? [] : child.slice();
      node[d] = copy;
      node = copy;
    }
    node[digit(k, 0)] = v;
    if (v === undefined) prune(top, k, levels - 1);
    return new IntMap<V>(top, levels, size);
  }

  /**
   * An editor for many updates at once: the arrays it copies belong to it and take later updates
   * in place, so updates to nearby keys (ops of one batch) copy one path instead of one each.
   * `this` never changes; {@link IntMapEditor.done} gives the new map.
   */
  edit(): IntMapEditor<V> {
    return new IntMapEditor<V>(this.root, this.levels, this.size);
  }

  /** @internal The map of an editor's trie. */
  static of<V>(root: Trie | undefined, levels: number, size: number): IntMap<V> {
    return size === 0 ? IntMap.EMPTY : new IntMap<V>(root, levels, size);
  }

  /** Calls `f` on every entry in ascending key order. */
  forEach(f: (value: V, key: number) => void): void {
    if (this.root === undefined || this.size === 0) return;
    walk(this.root, this.levels - 1, 0, f);
  }

  /** The values in ascending key order. */
  values(): V[] {
    const out: V[] = [];
    this.forEach((v) => out.push(v));
    return out;
  }

  /** The keys in ascending order. */
  keys(): number[] {
    const out: number[] = [];
    this.forEach((_, k) => out.push(k));
    return out;
  }
}

/**
 * Updates to an {@link IntMap} in place of a private copy: arrays shared with the map it came from
 * are copied once, on the first update below them; arrays created here are changed in place. Use
 * it, then call `done()` once and drop it (it refuses updates after).
 */
export class IntMapEditor<V> {
  /** Arrays created by this editor (not shared with any map yet): a list while few, then a set. */
  #owned: Trie[] | null = [];
  #ownedSet: Set<Trie> | undefined;

  constructor(
    private root: Trie | undefined,
    private levels: number,
    private size: number,
  ) {}

  get(k: number): V | undefined {
    return lookup<V>(this.root, this.levels, k);
  }

  has(k: number): boolean {
    return this.get(k) !== undefined;
  }

  /** Bind `k` to `v` (`undefined` removes the key). */
  set(k: number, v: V | undefined): void {
    const owned = this.#owned;
    if (owned === null) throw new Error('IntMapEditor: set() after done()');
    checkKey(k);
    const had = this.get(k) !== undefined;
    if (v === undefined && !had) return;
    let root: Trie = this.root ?? [];
    let levels = Math.max(this.levels, 1);
    while (k >= CAPACITY[levels]!) {
      root = [root];
      this.#own(owned, root);
      levels++;
    }
    if (!this.#isOwned(owned, root)) {
      root = root.slice();
      this.#own(owned, root);
    }
    let node = root;
    for (let level = levels - 1; level > 0; level--) {
      const d = digit(k, level);
      let child = node[d] as Trie | undefined;
      if (child === undefined) {
        child = [];
        this.#own(owned, child);
        node[d] = child;
      } else if (!this.#isOwned(owned, child)) {
        child = child.slice();
        this.#own(owned, child);
        node[d] = child;
      }
      node = child;
    }
    node[digit(k, 0)] = v;
    if (v === undefined) prune(root, k, levels - 1);
    this.root = root;
    this.levels = levels;
    this.size += v === undefined ? -1 : had ? 0 : 1;
  }

  #own(owned: Trie[], a: Trie): void {
    if (this.#ownedSet !== undefined) this.#ownedSet.add(a);
    else if (owned.push(a) > 32) this.#ownedSet = new Set(owned);
  }

  #isOwned(owned: Trie[], a: Trie): boolean {
    return this.#ownedSet !== undefined ? this.#ownedSet.has(a) : owned.includes(a);
  }

  /** The map with every update; the editor takes no more. */
  done(): IntMap<V> {
    this.#owned = null;
    return IntMap.of<V>(this.root, this.levels, this.size);
  }
}
