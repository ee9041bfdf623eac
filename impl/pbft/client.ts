// The PBFT client rule: a result counts once f+1 distinct replicas replied the same result to an
// op (at least one of them is honest, so the result is the one the honest replicas computed). Used
// by the test driver, and by a runtime that lets every replica answer every op.

import { canonicalJson } from '../sim/canonical.js';
import type { NodeId } from '../Node.js';

/** A reply as a replica sent it. */
export interface PbftReply {
  readonly ok: boolean | 'unknown';
  readonly result?: unknown;
}

/**
 * Collects replies per op and says when an op is answered: the first time f+1 distinct replicas
 * sent the same `ok` and `result` (compared as canonical JSON). A replica's later replies to the
 * same op do not count again.
 */
export class ReplyCollector {
  private readonly votes = new Map<number, Map<string, Set<NodeId>>>();
  private readonly done = new Map<number, PbftReply>();

  /** @param f - faulty replicas tolerated: f+1 matching replies answer an op. */
  constructor(readonly f: number) {
    if (!Number.isSafeInteger(f) || f < 0)
      throw new RangeError(`ReplyCollector: f must be a non-negative integer, got ${f}`);
  }

  /**
   * Record `replica`'s reply to `op`. Returns the accepted reply when this one completes the
   * f+1, else undefined (also for every reply after the op is answered).
   */
  add(replica: NodeId, op: number, reply: PbftReply): PbftReply | undefined {
    if (this.done.has(op)) return undefined;
    const key = canonicalJson({ ok: reply.ok, result: reply.result ?? null });
    let byKey = this.votes.get(op);
    if (byKey === undefined) this.votes.set(op, (byKey = new Map<string, Set<NodeId>>()));
    for (const [k, set] of byKey) if (k !== key && set.has(replica)) return undefined; // one answer per replica
    let set = byKey.get(key);
    if (set === undefined) byKey.set(key, (set = new Set<NodeId>()));
    set.add(replica);
    if (set.size < this.f + 1) return undefined;
    const accepted = { ok: reply.ok, result: reply.result };
    this.done.set(op, accepted);
    this.votes.delete(op);
    return accepted;
  }

  /** The accepted reply of `op`, if it has one. */
  answer(op: number): PbftReply | undefined {
    return this.done.get(op);
  }
}
