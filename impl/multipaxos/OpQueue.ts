// A persistent FIFO of client commands for the Multi-Paxos leader, with membership by op. Appending
// to the newest version writes into the shared backing array (older versions keep their own end
// and never see it), so enqueueing one command is O(1) instead of a copy of the whole queue.

import { IntMap } from './IntMap.js';
import type { KvCommand } from './kv.js';

/** A persistent queue of commands, each op at most once. */
export class OpQueue {
  private static readonly EMPTY = new OpQueue([], 0, 0, IntMap.empty());

  private constructor(
    private readonly items: KvCommand[],
    private readonly start: number,
    private readonly end: number,
    private readonly ops: IntMap<true>,
  ) {}

  static empty(): OpQueue {
    return OpQueue.EMPTY;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** True when a command with this op is queued. */
  has(op: number): boolean {
    return this.ops.has(op);
  }

  /** The command at position `i` (0: the head). */
  at(i: number): KvCommand {
    return this.items[this.start + i]!;
  }

  /** A queue with `cmd` appended. */
  push(cmd: KvCommand): OpQueue {
    let items = this.items;
    if (items.length === this.end) items.push(cmd);
    else {
      items = items.slice(this.start, this.end);
      items.push(cmd);
      return new OpQueue(items, 0, items.length, this.ops.set(cmd.op, true));
    }
    return new OpQueue(items, this.start, this.end + 1, this.ops.set(cmd.op, true));
  }

  /** A queue with `cmds` appended in order (each op not already queued: the caller checks). */
  pushAll(cmds: readonly KvCommand[]): OpQueue {
    if (cmds.length === 0) return this;
    if (cmds.length === 1) return this.push(cmds[0]!);
    let items = this.items;
    let start = this.start;
    if (items.length !== this.end) {
      items = items.slice(this.start, this.end);
      start = 0;
    }
    const ops = this.ops.edit();
    for (const c of cmds) {
      items.push(c);
      ops.set(c.op, true);
    }
    return new OpQueue(items, start, items.length, ops.done());
  }

  /** The queue without its first `n` commands. */
  drop(n: number): OpQueue {
    if (n <= 0) return this;
    if (n >= this.length) return OpQueue.EMPTY;
    const edit = this.ops.edit();
    for (let i = this.start; i < this.start + n; i++) edit.set(this.items[i]!.op, undefined);
    const ops = edit.done();
    const start = this.start + n;
    // Let go of a long consumed prefix.
    if (start > 1024 && start > this.end - start) {
      const items = this.items.slice(start, this.end);
      return new OpQueue(items, 0, items.length, ops);
    }
    return new OpQueue(this.items, start, this.end, ops);
  }

  /** The queued commands, head first. */
  toArray(): KvCommand[] {
    return this.items.slice(this.start, this.end);
  }

  toJSON(): KvCommand[] {
    return this.toArray();
  }
}
