// A persistent set of non-negative safe integers (a node's applied client ops): a bitset whose
// 32-bit words are the values of an IntMap, word i holding the integers 32 i .. 32 i + 31. Client
// ops are numbered as clients invoke them, so a slot's ops fall in a few words and a lookup walks a
// trie a level shallower than a map keyed by op would (and an edit copies fewer arrays).

import { IntMap, type IntMapEditor } from './IntMap.js';

function checkKey(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0)
    throw new RangeError(`IntSet: key must be a non-negative safe integer, got ${k}`);
}

/** Word index and bit of `k` (shifts while they are exact, division beyond). */
function wordOf(k: number): number {
  return k <= 0x7fffffff ? k >> 5 : Math.floor(k / 32);
}
function bitOf(k: number): number {
  return 1 << (k <= 0x7fffffff ? k & 31 : k % 32);
}

/** Whether the words (of a set or of an editor's) hold `k`. */
function holds(words: { get(i: number): number | undefined }, k: number): boolean {
  if (!(k >= 0) || k % 1 !== 0) return false;
  const w = words.get(wordOf(k));
  return w !== undefined && (w & bitOf(k)) !== 0;
}

/** A persistent set of non-negative safe integers. */
export class IntSet {
  private static readonly EMPTY = new IntSet(IntMap.empty(), 0);

  private constructor(
    private readonly words: IntMap<number>,
    /** Number of integers present. */
    readonly size: number,
  ) {}

  static empty(): IntSet {
    return IntSet.EMPTY;
  }

  has(k: number): boolean {
    return holds(this.words, k);
  }

  /** A set with `k` added. */
  add(k: number): IntSet {
    checkKey(k);
    if (this.has(k)) return this;
    const i = wordOf(k);
    return new IntSet(this.words.set(i, (this.words.get(i) ?? 0) | bitOf(k)), this.size + 1);
  }

  /** An editor for many additions at once (see {@link IntMap.edit}); `done()` gives the new set. */
  edit(): IntSetEditor {
    return new IntSetEditor(this.words.edit(), this.size);
  }

  /** @internal The set of an editor's words. */
  static of(words: IntMap<number>, size: number): IntSet {
    return size === 0 ? IntSet.EMPTY : new IntSet(words, size);
  }

  /** The integers in ascending order. */
  keys(): number[] {
    const out: number[] = [];
    this.words.forEach((w, i) => {
      for (let b = 0; b < 32; b++) if ((w & (1 << b)) !== 0) out.push(i * 32 + b);
    });
    return out;
  }
}

/** Additions to an {@link IntSet} in place of a private copy (see {@link IntMapEditor}). */
export class IntSetEditor {
  constructor(
    private readonly words: IntMapEditor<number>,
    private size: number,
  ) {}

  has(k: number): boolean {
    return holds(this.words, k);
  }

  add(k: number): void {
    checkKey(k);
    const i = wordOf(k);
    const w = this.words.get(i) ?? 0;
    const bit = bitOf(k);
    if ((w & bit) !== 0) return;
    this.words.set(i, w | bit);
    this.size++;
  }

  /** The set with every addition; the editor takes no more. */
  done(): IntSet {
    return IntSet.of(this.words.done(), this.size);
  }
}
