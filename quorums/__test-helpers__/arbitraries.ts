// Random quorum families over up to 7 members, written in the command-line notation, and brute
// force over every subset of the members (bitmasks) to judge the library's answers against.
import { fc } from '@fast-check/vitest';
import { parseQuorumFamily } from '../parse.js';
import type { QuorumFamily, QuorumRole } from '../family.js';

/** Members a1..an. */
export const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `a${i + 1}`);

/** One family's notation for `n` members. */
export function notation(n: number): fc.Arbitrary<string> {
  const m = names(n);
  const subset = fc.subarray(m, { minLength: 1 });
  return fc.oneof(
    fc.constant('majority'),
    fc.constant('all'),
    fc.integer({ min: 1, max: n }).map((k) => `any:${k}`),
    fc.integer({ min: 1, max: n }).map(String),
    fc.array(subset, { minLength: 1, maxLength: 5 }).map((sets) => sets.map((s) => s.join(',')).join('|')),
    fc
      .tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 0, max: 3 }))
      .map(([r, extra]) => `grid:${r}x${Math.ceil(n / r) + (extra === 3 ? 1 : 0)}`),
    fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        fc.integer({ min: 1, max: 8 }),
      )
      .filter(([ws, k]) => ws.reduce((a, b) => a + b, 0) >= k)
      .map(
        ([ws, k]) => `weighted:${k}:${m.flatMap((x, i) => (ws[i]! > 0 ? [`${x}=${ws[i]}`] : [])).join(',')}`,
      ),
  );
}

/** A family as an object of our own (not built by this room), to exercise the generic paths. */
export function opaque(f: QuorumFamily): QuorumFamily {
  return {
    describe: f.describe,
    members: f.members,
    has: (nodes) => f.has(nodes),
    minimal: () => f.minimal(),
  };
}

export interface Case {
  n: number;
  members: string[];
  t1: string;
  t2: string;
  q1: QuorumFamily;
  q2: QuorumFamily;
}

/** A pair of families (phase 1, phase 2) over the same 1..7 members, some wrapped by `opaque`. */
export const pair: fc.Arbitrary<Case> = fc
  .integer({ min: 1, max: 7 })
  .chain((n) => fc.tuple(fc.constant(n), notation(n), notation(n), fc.boolean(), fc.boolean()))
  .map(([n, t1, t2, w1, w2]) => {
    const members = names(n);
    const q1 = parseQuorumFamily(t1, members, 'q1');
    const q2 = parseQuorumFamily(t2, members, 'q2');
    return { n, members, t1, t2, q1: w1 ? opaque(q1) : q1, q2: w2 ? opaque(q2) : q2 };
  });

/** A single family with its notation and role. */
export const family: fc.Arbitrary<{ n: number; text: string; role: QuorumRole; f: QuorumFamily }> = fc
  .integer({ min: 1, max: 7 })
  .chain((n) => fc.tuple(fc.constant(n), notation(n), fc.constantFrom<QuorumRole>('q1', 'q2')))
  .map(([n, text, role]) => ({ n, text, role, f: parseQuorumFamily(text, names(n), role) }));

/** The members in bitmask `mask`. */
export const setOf = (members: readonly string[], mask: number): string[] =>
  members.filter((_, i) => (mask & (1 << i)) !== 0);

/** `has` of every subset, by bitmask. */
export function table(f: QuorumFamily, members: readonly string[]): boolean[] {
  return Array.from({ length: 1 << members.length }, (_, mask) => f.has(setOf(members, mask)));
}

/** The minimal quorums by brute force, as bitmasks. */
export function bruteMinimal(t: readonly boolean[]): number[] {
  return t.flatMap((q, mask) => {
    if (!q) return [];
    for (let sub = (mask - 1) & mask; ; sub = (sub - 1) & mask) {
      if (t[sub] === true) return [];
      if (sub === 0) break;
    }
    return [mask];
  });
}

/** The bitmask of a set of member names. */
export const maskOf = (members: readonly string[], set: readonly string[]): number =>
  set.reduce((m, x) => m | (1 << members.indexOf(x)), 0);
