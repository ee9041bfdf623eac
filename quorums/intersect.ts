// Does every phase-1 quorum meet every phase-2 quorum, and how many failures does each phase
// survive? Closed forms for counting families; otherwise one `has` test per minimal quorum of one
// side: S misses every quorum of the other side exactly when S's complement holds none.

import { QuorumError, ShapedFamily, WORK_LIMIT, binomial, gridLines, type QuorumFamily } from './family.js';

/** The outcome of {@link intersects}: a disjoint pair of quorums when the families do not meet. */
export type Intersection = { ok: true } | { ok: false; q1: string[]; q2: string[] };

/**
 * Whether every quorum of `q1` meets every quorum of `q2`. When not, `q1` is the first minimal
 * phase-1 quorum (sorted order) whose complement holds a phase-2 quorum, and `q2` the first minimal
 * phase-2 quorum in that complement. Throws {@link QuorumError} when both sides have too many
 * minimal quorums to list.
 */
export function intersects(q1: QuorumFamily, q2: QuorumFamily): Intersection {
  const universe = [...new Set([...q1.members, ...q2.members])];
  const a = countOf(q1);
  const b = countOf(q2);
  if (a !== undefined && b !== undefined) return countingPair(q1.members, a, q2.members, b);
  let firstSide: QuorumFamily[];
  try {
    return scan(q1, q2, universe, false);
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
    firstSide = [q1];
  }
  try {
    return scan(q2, q1, universe, true);
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
    throw new QuorumError(
      `cannot check whether ${firstSide[0]!.describe} meets ${q2.describe}: both have too many minimal quorums to list`,
    );
  }
}

/** For each minimal quorum S of `outer`: does the complement of S hold a quorum of `inner`? */
function scan(outer: QuorumFamily, inner: QuorumFamily, universe: string[], swapped: boolean): Intersection {
  for (const s of outer.minimal()) {
    const taken = new Set(s);
    const rest = universe.filter((m) => !taken.has(m));
    if (inner.has(rest)) {
      const t = firstMinimalWithin(inner, rest);
      return swapped ? { ok: false, q1: t, q2: s } : { ok: false, q1: s, q2: t };
    }
  }
  return { ok: true };
}

/** The first minimal quorum of `family` (sorted order) inside `nodes`, which must hold one. */
export function firstMinimalWithin(family: QuorumFamily, nodes: readonly string[]): string[] {
  if (family instanceof ShapedFamily) {
    const found = family.minimalIndexes(family.mask(nodes), 1)[0];
    if (found !== undefined) return found.map((i) => family.members[i]!);
  } else {
    const inside = new Set(nodes);
    const found = family.minimal().find((q) => q.every((m) => inside.has(m)));
    if (found !== undefined) return found;
  }
  throw new Error(`internal: ${family.describe} has no quorum inside {${nodes.join(',')}}`);
}

/**
 * How many member failures `family` survives: the largest k such that, whichever k members fail,
 * the others still hold a quorum (-1 when the members hold no quorum at all). Throws
 * {@link QuorumError} when the answer would take more than 2^20 subset tests.
 */
export function faultTolerance(family: QuorumFamily): number {
  const n = family.members.length;
  if (!family.has(family.members)) return -1;
  if (family instanceof ShapedFamily) {
    const s = family.shape;
    switch (s.kind) {
      case 'count':
        return n - s.need;
      case 'grid': {
        // One failure in every non-empty line kills them all, and fewer leave a line whole.
        const lines = gridLines(s, n);
        return lines.length - 1;
      }
      case 'weighted': {
        // Failing the heaviest members first is the fastest way below the threshold.
        const sorted = [...s.weights].sort((x, y) => y - x);
        let left = sorted.reduce((x, y) => x + y, 0);
        let k = 0;
        while (left >= s.need) left -= sorted[k++] ?? 0;
        return k - 1;
      }
      case 'explicit':
        break;
    }
  }
  // The smallest set that hits every minimal quorum, found by trying sizes 1, 2, ...
  const minimal = family.minimal();
  const index = new Map(family.members.map((m, i) => [m, i]));
  const sets = minimal.map((q) => q.map((m) => index.get(m)!));
  let steps = 0;
  for (let k = 1; k <= n; k++) {
    steps += binomial(n, k);
    if (steps > WORK_LIMIT) {
      throw new QuorumError(`${family.describe}: too many members to compute the fault tolerance`);
    }
    if (hitsAll(sets, n, k)) return k - 1;
  }
  return n - 1;
}

/** Is there a k-subset of 0..n-1 that meets every set? */
function hitsAll(sets: readonly number[][], n: number, k: number): boolean {
  const failed = new Array<boolean>(n).fill(false);
  const walk = (from: number, left: number): boolean => {
    if (left === 0) return sets.every((q) => q.some((i) => failed[i]));
    for (let i = from; i <= n - left; i++) {
      failed[i] = true;
      const hit = walk(i + 1, left - 1);
      failed[i] = false;
      if (hit) return true;
    }
    return false;
  };
  return walk(0, k);
}

function countOf(f: QuorumFamily): number | undefined {
  return f instanceof ShapedFamily && f.shape.kind === 'count' ? f.shape.need : undefined;
}

/**
 * Any `a` of `m1` against any `b` of `m2`, in closed form (on one member list: they meet exactly
 * when a + b > N). A phase-1 set S misses some phase-2 quorum exactly when at most |m2| - b of its
 * members are in m2; the first such S in sorted order is found greedily (take each member of m1 in
 * turn when the rest can still be completed), and the phase-2 side of the witness is the first b
 * members of m2 outside S.
 */
function countingPair(m1: readonly string[], a: number, m2: readonly string[], b: number): Intersection {
  const cap = m2.length - b; // members of m2 that S may take
  if (a > m1.length || cap < 0) return { ok: true }; // a side without any quorum
  const inM2 = new Set(m2);
  const shared = m1.map((m) => inM2.has(m));
  // Members of m1 after position i: outside m2, and in m2.
  const freeAfter = new Array<number>(m1.length + 1).fill(0);
  const sharedAfter = new Array<number>(m1.length + 1).fill(0);
  for (let i = m1.length - 1; i >= 0; i--) {
    freeAfter[i] = freeAfter[i + 1]! + (shared[i] ? 0 : 1);
    sharedAfter[i] = sharedAfter[i + 1]! + (shared[i] ? 1 : 0);
  }
  const s: string[] = [];
  let used = 0;
  for (let i = 0; i < m1.length && s.length < a; i++) {
    const usedIf = used + (shared[i] ? 1 : 0);
    if (usedIf > cap) continue;
    const left = a - s.length - 1;
    if (left <= freeAfter[i + 1]! + Math.min(sharedAfter[i + 1]!, cap - usedIf)) {
      s.push(m1[i]!);
      used = usedIf;
    }
  }
  if (s.length < a) return { ok: true };
  const taken = new Set(s);
  return { ok: false, q1: s, q2: m2.filter((m) => !taken.has(m)).slice(0, b) };
}
