// Quorum systems of a trace's header as predicates over sets of nodes: is this set a phase-1
// quorum, a phase-2 quorum? The safety checks ask it for every decision, the metrics for "decided
// at a quorum". Sets are bitmasks over the header's node indexes when there are at most 31 nodes.
import type { QuorumSystem } from '../traces/index.js';

/** Phase-1 and phase-2 quorum tests over node names. */
export interface Quorums {
  /** A short human description, e.g. `majority of 5`, `grid 2x3`. */
  readonly describe: string;
  /** The voting nodes. */
  readonly members: readonly string[];
  isQ1(nodes: Iterable<string>): boolean;
  isQ2(nodes: Iterable<string>): boolean;
  /** Smallest number of members a phase-2 quorum can have (a lower bound for weighted systems). */
  readonly minQ2: number;
}

/** Why a quorum system cannot be used (an `x-` system, or nodes the header does not list). */
export class QuorumError extends Error {}

/** Builds the predicates for `system` over the header's `nodes`. */
export function quorumsOf(system: QuorumSystem, nodes: readonly string[]): Quorums {
  switch (system.kind) {
    case 'majority': {
      const members = system.members ?? nodes;
      const need = Math.floor(members.length / 2) + 1;
      return counting(`majority of ${members.length}`, members, need, need);
    }
    case 'threshold': {
      const s = system as { q1: number; q2: number; members?: string[] };
      const members = s.members ?? nodes;
      return counting(`threshold q1=${s.q1} q2=${s.q2} of ${members.length}`, members, s.q1, s.q2);
    }
    case 'explicit': {
      const s = system as { q1: string[][]; q2: string[][] };
      const members = [...new Set([...s.q1.flat(), ...s.q2.flat()])].sort();
      const covers = (lists: string[][], set: Set<string>): boolean =>
        lists.some((q) => q.every((n) => set.has(n)));
      return {
        describe: `explicit (${s.q1.length} phase-1, ${s.q2.length} phase-2 quorums)`,
        members,
        isQ1: (it) => covers(s.q1, new Set(it)),
        isQ2: (it) => covers(s.q2, new Set(it)),
        minQ2: Math.min(...s.q2.map((q) => new Set(q).size)),
      };
    }
    case 'weighted': {
      const s = system as { weights: Record<string, number>; q1: number; q2: number };
      const members = Object.keys(s.weights).sort();
      const weight = (it: Iterable<string>): number => {
        let w = 0;
        for (const n of new Set(it)) w += s.weights[n] ?? 0;
        return w;
      };
      const heaviest = Object.values(s.weights).sort((a, b) => b - a);
      let minQ2 = 0;
      for (let acc = 0; acc < s.q2 && minQ2 < heaviest.length; minQ2++) acc += heaviest[minQ2] ?? 0;
      return {
        describe: `weighted q1=${s.q1} q2=${s.q2}`,
        members,
        isQ1: (it) => weight(it) >= s.q1,
        isQ2: (it) => weight(it) >= s.q2,
        minQ2,
      };
    }
    case 'grid': {
      const s = system as { rows: number; cols: number; members?: string[] };
      const members = s.members ?? nodes;
      if (members.length !== s.rows * s.cols) {
        throw new QuorumError(
          `a ${s.rows}x${s.cols} grid needs ${s.rows * s.cols} members, the trace lists ${members.length}`,
        );
      }
      const rows = Array.from({ length: s.rows }, (_, r) => members.slice(r * s.cols, (r + 1) * s.cols));
      const cols = Array.from({ length: s.cols }, (_, c) => rows.map((row) => row[c] ?? ''));
      const full = (lines: string[][], it: Iterable<string>): boolean => {
        const set = new Set(it);
        return lines.some((l) => l.every((n) => set.has(n)));
      };
      return {
        describe: `grid ${s.rows}x${s.cols}`,
        members,
        isQ1: (it) => full(rows, it),
        isQ2: (it) => full(cols, it),
        minQ2: s.rows,
      };
    }
    default:
      throw new QuorumError(`quorum system ${JSON.stringify(system.kind)} is implementation-specific`);
  }
}

function counting(describe: string, members: readonly string[], q1: number, q2: number): Quorums {
  const set = new Set(members);
  const count = (it: Iterable<string>): number => {
    let n = 0;
    for (const x of new Set(it)) if (set.has(x)) n++;
    return n;
  };
  return {
    describe,
    members,
    isQ1: (it) => count(it) >= q1,
    isQ2: (it) => count(it) >= q2,
    minQ2: q2,
  };
}
