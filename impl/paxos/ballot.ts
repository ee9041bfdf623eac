// Ballots (proposal numbers) shared by the Paxos and Multi-Paxos nodes: `{ round, node }` pairs
// ordered by round, then by node name, as the trace format defines them (traces/types.ts `Ballot`).
// The node part makes the ballots of two proposers distinct, so no ballot is ever used twice.

import type { NodeId } from '../Node.js';

/** A ballot: ordered by `round`, then by `node` (string order). */
export type Ballot = { readonly round: number; readonly node: NodeId };

/** Negative when `a < b`, zero when equal, positive when `a > b`; a missing ballot is below all. */
export function compareBallots(a: Ballot | null | undefined, b: Ballot | null | undefined): number {
  if (a == null) return b == null ? 0 : -1;
  if (b == null) return 1;
  if (a.round !== b.round) return a.round - b.round;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** True when both name the same ballot. */
export function sameBallot(a: Ballot | null | undefined, b: Ballot | null | undefined): boolean {
  return compareBallots(a, b) === 0;
}

/** A stable string key for maps. */
export function ballotKey(b: Ballot): string {
  return `${b.round}:${b.node}`;
}

/** Read a ballot back from durable storage or a message; anything else is `null`. */
export function asBallot(x: unknown): Ballot | null {
  if (typeof x !== 'object' || x === null) return null;
  const { round, node } = x as { round?: unknown; node?: unknown };
  if (typeof round !== 'number' || !Number.isInteger(round) || typeof node !== 'string') return null;
  return { round, node };
}

/**
 * Quorum sizes for a cluster of `n` nodes. `phase1`/`phase2` of 0 mean a majority. Any two phase-1
 * and phase-2 quorums must intersect (`phase1 + phase2 > n`, Flexible Paxos); otherwise a RangeError.
 */
export function quorumSizes(
  protocol: string,
  n: number,
  phase1: number,
  phase2: number,
): { readonly q1: number; readonly q2: number } {
  const majority = Math.floor(n / 2) + 1;
  const q1 = phase1 === 0 ? majority : phase1;
  const q2 = phase2 === 0 ? majority : phase2;
  for (const [name, q] of [
    ['phase1Quorum', q1],
    ['phase2Quorum', q2],
  ] as const) {
    if (!Number.isInteger(q) || q < 1 || q > n) {
      throw new RangeError(`${protocol}: ${name} must be an integer in 1..${n} (0 = majority), got ${q}`);
    }
  }
  if (q1 + q2 <= n) {
    throw new RangeError(
      `${protocol}: phase1Quorum + phase2Quorum must exceed the number of nodes (${n}) so that quorums intersect, got ${q1} + ${q2}`,
    );
  }
  return { q1, q2 };
}
