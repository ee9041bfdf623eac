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
  if (a !== undefined && b !== undefined && sameSet(q1.members, q2.members)) {
    // Any K1 and any K2 of N meet exactly when K1 + K2 > N.
    if (a + b > q1.members.length) return { ok: true };
    const first = q1.members.slice(0, a);
    const rest = new Set(first);
    return { ok: false, q1: first, q2: q2.members.filter((m) => !rest.has(m)).slice(0, b) };
  }
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

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return a.length === b.length && b.every((m) => s.has(m));
}
