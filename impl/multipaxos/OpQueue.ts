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

/**
 * Op -> its positions in the backing array. Ops are numbered as clients invoke them and a queue
 * takes them nearly in that order, so most ops go in a dense array by their distance from the
 * first op indexed (a JS Map's get and set were about 3% of a Multi-Paxos run, and its growth a few
 * MB of garbage: the run is about 2% faster so); an op below that, far beyond the array's end or not an integer goes in a Map.
 * An op found in neither is in neither: the array only grows, and an op goes where it is looked
 * up first (the array if it lies in it, else the Map).
 */
class OpIndex {
  /** The op at `dense[0]` (set by the first op indexed). */
  #base = NaN;
  readonly #dense: (Positions | undefined)[] = [];
  #sparse: Map<number, Positions> | null = null;

  get(op: number): Positions | undefined {
    const d = op - this.#base;
    if (d >= 0 && d < this.#dense.length && (d | 0) === d) {
      const p = this.#dense[d];
      if (p !== undefined || this.#sparse === null) return p;
    }
    return this.#sparse?.get(op);
  }

  add(op: number, pos: number): void {
    if (this.#dense.length === 0 && this.#sparse === null && (op | 0) === op) this.#base = op;
    const dense = this.#dense;
    const d = op - this.#base;
    if (d >= 0 && (d | 0) === d && d < dense.length + 4096 && this.#sparse?.has(op) !== true) {
      const p = d < dense.length ? dense[d] : undefined;
      if (p === undefined) {
        while (dense.length < d) dense.push(undefined);
        dense[d] = pos;
      } else if (typeof p === 'number') dense[d] = [p, pos];
      else p.push(pos);
      return;
    }
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
