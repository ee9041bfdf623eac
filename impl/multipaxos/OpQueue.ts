// A persistent FIFO of client commands with membership by op: the Multi-Paxos leader's batch queue,
// and every node's commands to answer (`pending`, filtered by the applied ops). Appending to the
// newest version writes into the shared backing array (older versions keep their own end and
// never see it), so enqueueing one command is O(1) instead of a copy of the whole queue.
//
// Membership goes through an index beside the backing array (op -> its positions there), shared
// by every version on that array and only ever added to: an op is in a version when one of its
// positions lies between the version's start and end. Appends add positions past the end of every
// existing version, so they change no version's answer, and neither an append nor a drop copies
// anything (a persistent map of ops copied a path of four arrays on each, a few hundred bytes of
// garbage per client command).

import type { KvCommand } from './kv.js';

/** The positions of one op in the backing array: one, or several (ascending) for an op appended again. */
type Positions = number | number[];

/** In the dense array: the op is at several positions (they are in the Map). */
const SEVERAL = -1;
const NO_SLOTS = new Int32Array(0);

/**
 * Op -> its positions in the backing array. Ops are numbered as clients invoke them and a queue
 * takes them nearly in that order, so most ops go in a dense array by their distance from the
 * first op indexed (a JS Map's get and set were about 3% of a Multi-Paxos run, and its growth a few
 * MB of garbage: the run is about 2% faster so); an op below that, far beyond the array's end or
 * not an integer goes in a Map, and so do the positions of an op appended more than once. An op
 * found in neither is in neither: the array only grows, and an op goes where it is looked up first
 * (the array if it lies in it, else the Map).
 *
 * The dense array is an Int32Array of position + 1 (0: none): a queue holds one node's share of
 * the ops (a fifth of them, in a run of 5 nodes), so most of its entries are empty, and a typed
 * array takes 4 bytes an entry, outside the young generation, where an array of numbers took 8
 * bytes in it (its growth was some 8% of a Multi-Paxos run's allocation).
 */
class OpIndex {
  /** The op at `dense[0]` (set by the first op indexed). */
  #base = NaN;
  #dense: Int32Array = NO_SLOTS;
  /** One above the highest entry written in `dense` (its capacity may be larger). */
  #length = 0;
  #sparse: Map<number, Positions> | null = null;
  /**
   * The lowest distance of an op put in the Map for lying far beyond the dense array (which may
   * have grown over it since). Below it, an empty entry is an op in neither, without a Map lookup:
   * most lookups are misses (every node looks up every applied op in its own commands).
   */
  #farFrom = Infinity;

  get(op: number): Positions | undefined {
    const d = op - this.#base;
    if (d >= 0 && d < this.#length && (d | 0) === d) {
      const p = this.#dense[d]!;
      if (p > 0) return p - 1;
      if (p === 0 && d < this.#farFrom) return undefined;
    }
    return this.#sparse?.get(op);
  }

  add(op: number, pos: number): void {
    if (this.#length === 0 && this.#sparse === null && (op | 0) === op) this.#base = op;
    const d = op - this.#base;
    if (d >= 0 && (d | 0) === d && d < this.#length + 4096 && pos < 0x7fffffff) {
      if (d >= this.#length) {
        if (d >= this.#dense.length) {
          const grown = new Int32Array(Math.max(64, 2 * this.#dense.length, d + 1));
          grown.set(this.#dense);
          this.#dense = grown;
        }
        this.#length = d + 1;
      }
      const p = this.#dense[d]!;
      if (p === 0) {
        if (d >= this.#farFrom && this.#sparse!.has(op)) return this.#addSparse(op, pos);
        this.#dense[d] = pos + 1;
      } else if (p > 0) {
        this.#dense[d] = SEVERAL;
        (this.#sparse ??= new Map<number, Positions>()).set(op, [p - 1, pos]);
      } else (this.#sparse!.get(op) as number[]).push(pos);
      return;
    }
    if (d >= 0 && (d | 0) === d && d < this.#farFrom) this.#farFrom = d;
    this.#addSparse(op, pos);
  }

  #addSparse(op: number, pos: number): void {
    const sparse = (this.#sparse ??= new Map<number, Positions>());
    const p = sparse.get(op);
    if (p === undefined) sparse.set(op, pos);
    else if (typeof p === 'number') sparse.set(op, [p, pos]);
    else p.push(pos);
  }
}

/** The index of `items`. */
function indexOf(items: readonly KvCommand[]): OpIndex {
  const index = new OpIndex();
  for (let i = 0; i < items.length; i++) index.add(items[i]!.op, i);
  return index;
}

/** A persistent queue of commands, each op at most once. */
export class OpQueue {
  private static readonly EMPTY = new OpQueue([], new OpIndex(), 0, 0);

  private constructor(
    private readonly items: KvCommand[],
    /** The index of `items` (shared with it: see the file comment). */
    private readonly index: OpIndex,
    private readonly start: number,
    private readonly end: number,
  ) {}

  static empty(): OpQueue {
    return OpQueue.EMPTY;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** True when a command with this op is queued. */
  has(op: number): boolean {
    const p = this.index.get(op);
    if (p === undefined) return false;
    if (typeof p === 'number') return p >= this.start && p < this.end;
    for (const x of p) if (x >= this.start && x < this.end) return true;
    return false;
  }

  /** The command at position `i` (0: the head). */
  at(i: number): KvCommand {
    return this.items[this.start + i]!;
  }

  /** A queue with `cmd` appended. */
  push(cmd: KvCommand): OpQueue {
    const items = this.items;
    if (items.length === this.end && this !== OpQueue.EMPTY) {
      this.index.add(cmd.op, items.push(cmd) - 1);
      return new OpQueue(items, this.index, this.start, this.end + 1);
    }
    // Another version appended to the backing array already (or this is the shared empty queue).
    const copy = items.slice(this.start, this.end);
    copy.push(cmd);
    return new OpQueue(copy, indexOf(copy), 0, copy.length);
  }

  /** A queue with `cmds` appended in order (each op not already queued: the caller checks). */
  pushAll(cmds: readonly KvCommand[]): OpQueue {
    return cmds.reduce<OpQueue>((q, c) => q.push(c), this);
  }

  /** The queue without its first `n` commands. */
  drop(n: number): OpQueue {
    if (n <= 0) return this;
    if (n >= this.length) return OpQueue.EMPTY;
    const start = this.start + n;
    // Let go of a long consumed prefix (and of its entries in the index).
    if (start > 1024 && start > this.end - start) {
      const items = this.items.slice(start, this.end);
      return new OpQueue(items, indexOf(items), 0, items.length);
    }
    return new OpQueue(this.items, this.index, start, this.end);
  }

  /** A queue of `items` in order (each op once: the caller checks); it takes the array over. */
  static of(items: KvCommand[]): OpQueue {
    return items.length === 0 ? OpQueue.EMPTY : new OpQueue(items, indexOf(items), 0, items.length);
  }

  /** The queued commands, head first. */
  toArray(): KvCommand[] {
    return this.items.slice(this.start, this.end);
  }

  toJSON(): KvCommand[] {
    return this.toArray();
  }
}
