// The laws of quorum families, against brute force over every subset of up to 7 members:
// `intersects` and its witness, monotone `has`, exact `minimal()`, fault tolerance.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bruteMinimal, family, maskOf, names, pair, setOf, table } from './__test-helpers__/arbitraries.js';
import { faultTolerance, intersects, parseQuorumFamily, QuorumError } from './index.js';

describe('intersects (properties)', () => {
  test.prop([pair], { numRuns: 300 })('agrees with brute force over all pairs of subsets', (c) => {
    const t1 = table(c.q1, c.members);
    const t2 = table(c.q2, c.members);
    let meet = true;
    for (let a = 0; a < t1.length && meet; a++) {
      if (!t1[a]) continue;
      for (let b = 0; b < t2.length; b++) {
        if (t2[b] && (a & b) === 0) {
          meet = false;
          break;
        }
      }
    }
    expect(intersects(c.q1, c.q2).ok).toBe(meet);
  });

  test.prop([pair], { numRuns: 300 })('a witness is a minimal Q1 and a minimal Q2, disjoint', (c) => {
    const r = intersects(c.q1, c.q2);
    if (r.ok) return;
    expect(c.q1.has(r.q1)).toBe(true);
    expect(c.q2.has(r.q2)).toBe(true);
    expect(r.q1.filter((x) => r.q2.includes(x))).toEqual([]);
    expect(c.q1.minimal()).toContainEqual(r.q1);
    expect(c.q2.minimal()).toContainEqual(r.q2);
  });

  test.prop([pair], { numRuns: 200 })('the witness is the first in sorted order', (c) => {
    const r = intersects(c.q1, c.q2);
    if (r.ok) return;
    const s = c.q1.minimal().find((q) => c.q2.has(c.members.filter((m) => !q.includes(m))));
    expect(r.q1).toEqual(s);
    expect(r.q2).toEqual(c.q2.minimal().find((q) => q.every((m) => !s!.includes(m))));
  });
});

describe('intersects: counting families over different member lists (closed form)', () => {
  // Two sub-lists of one universe of up to 8 names, in any order, with any:K, majority or all.
  const side = (universe: string[]) =>
    fc
      .subarray(universe, { minLength: 1 })
      .chain((ms) => fc.tuple(fc.shuffledSubarray(ms, { minLength: ms.length }), countText(ms.length)));
  const countText = (n: number) =>
    fc.oneof(
      fc.constant('majority'),
      fc.constant('all'),
      fc.integer({ min: 1, max: n }).map((k) => `any:${k}`),
    );
  const twoSides = fc
    .integer({ min: 1, max: 8 })
    .map(names)
    .chain((u) => fc.tuple(fc.constant(u), side(u), side(u)));

  test.prop([twoSides], { numRuns: 400 })(
    'agrees with brute force, and the witness is the first in sorted order',
    ([u, [m1, t1], [m2, t2]]) => {
      const f1 = parseQuorumFamily(t1, m1, 'q1');
      const f2 = parseQuorumFamily(t2, m2, 'q2');
      const r = intersects(f1, f2);
      const firstS = f1.minimal().find((q) => f2.has(u.filter((m) => !q.includes(m))));
      expect(r.ok).toBe(firstS === undefined);
      if (!r.ok) {
        expect(r.q1).toEqual(firstS);
        expect(r.q2).toEqual(f2.minimal().find((q) => q.every((m) => !firstS!.includes(m))));
      }
    },
  );

  it('answers for hundreds of members (enumeration would be out of reach)', () => {
    const u = names(300);
    const east = u.slice(0, 200);
    const west = u.slice(100);
    // any 150 of east against any 150 of west: S can keep 100 of its members outside west, so it
    // needs 50 shared ones, leaving 150 of west free: they miss each other.
    const r = intersects(parseQuorumFamily('any:150', east, 'q1'), parseQuorumFamily('any:150', west, 'q2'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.q1).toEqual(east.slice(0, 150));
      expect(r.q2).toEqual(west.slice(50, 200));
    }
    expect(
      intersects(parseQuorumFamily('any:150', east, 'q1'), parseQuorumFamily('any:151', west, 'q2')).ok,
    ).toBe(true);
  });
});

describe('families (properties)', () => {
  test.prop([family], { numRuns: 300 })('has is monotone', ({ n, f }) => {
    const t = table(f, names(n));
    for (let mask = 0; mask < t.length; mask++) {
      for (let i = 0; i < n; i++) if (t[mask]) expect(t[mask | (1 << i)]).toBe(true);
    }
  });

  test.prop([family], { numRuns: 300 })('minimal() is exactly the minimal quorums, sorted', ({ n, f }) => {
    const members = names(n);
    const min = f.minimal();
    const expected = bruteMinimal(table(f, members));
    expect(min.map((q) => maskOf(members, q)).sort((a, b) => a - b)).toEqual(expected);
    for (const q of min) {
      expect(q).toEqual(members.filter((m) => q.includes(m)));
      expect(f.has(q)).toBe(true);
      for (const x of q) expect(f.has(q.filter((y) => y !== x))).toBe(false);
    }
    const key = (q: string[]): number[] => q.map((m) => members.indexOf(m));
    const sorted = [...min].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    });
    expect(min).toEqual(sorted);
  });

  test.prop([family], { numRuns: 300 })(
    'faultTolerance: the largest k every k failures survive',
    ({ n, f }) => {
      const members = names(n);
      const t = table(f, members);
      const full = (1 << n) - 1;
      let k = -1;
      for (let size = 0; size <= n; size++) {
        const all = t.every((_, failed) => popcount(failed) !== size || t[full & ~failed] === true);
        if (!all) break;
        k = size;
      }
      expect(faultTolerance(f)).toBe(k);
    },
  );

  test.prop([family, fc.array(fc.string({ maxLength: 3 }), { maxLength: 4 })])(
    'names that are not members are ignored',
    ({ n, f }, extra) => {
      const members = names(n);
      for (let mask = 0; mask < 1 << n; mask += 3) {
        const set = setOf(members, mask);
        expect(f.has([...set, ...extra.filter((x) => !members.includes(x))])).toBe(f.has(set));
      }
    },
  );
});

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}

describe('intersects (examples)', () => {
  const m5 = names(5);
  const p = (text: string, role: 'q1' | 'q2', members = m5) => parseQuorumFamily(text, members, role);

  it('majorities meet', () => {
    expect(intersects(p('majority', 'q1'), p('majority', 'q2'))).toEqual({ ok: true });
  });

  it('counting families: closed form, even when listing them is out of reach', () => {
    const m = names(101);
    expect(intersects(p('majority', 'q1', m), p('majority', 'q2', m))).toEqual({ ok: true });
    const r = intersects(p('any:50', 'q1', m), p('51', 'q2', m));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.q1).toEqual(m.slice(0, 50));
      expect(r.q2).toEqual(m.slice(50));
    }
    expect(intersects(p('any:50', 'q1', m), p('52', 'q2', m)).ok).toBe(true);
  });

  it('flexible Paxos: any 4 of 5 in phase 1, any 2 in phase 2', () => {
    expect(intersects(p('any:4', 'q1'), p('any:2', 'q2')).ok).toBe(true);
    expect(intersects(p('any:3', 'q1'), p('any:2', 'q2'))).toEqual({
      ok: false,
      q1: ['a1', 'a2', 'a3'],
      q2: ['a4', 'a5'],
    });
  });

  it('a full grid: rows meet columns', () => {
    const m = names(6);
    expect(intersects(p('grid:2x3', 'q1', m), p('grid:2x3', 'q2', m)).ok).toBe(true);
  });

  it('a grid far larger than its members: intersection and fault tolerance from the occupied cells', () => {
    const m3 = ['a1', 'a2', 'a3'];
    const q1 = parseQuorumFamily('grid:100000x100000', m3, 'q1');
    const q2 = parseQuorumFamily('grid:100000x100000', m3, 'q2');
    expect(intersects(q1, q2)).toEqual({ ok: true });
    expect(faultTolerance(q1)).toBe(0);
    expect(faultTolerance(q2)).toBe(2);
  });

  it('5 acceptors in a 2x3 grid: the short row misses the short column', () => {
    expect(intersects(p('grid:2x3', 'q1'), p('grid:2x3', 'q2'))).toEqual({
      ok: false,
      q1: ['a4', 'a5'],
      q2: ['a3'],
    });
  });

  it('explicit against majority', () => {
    expect(intersects(p('a1,a2|a3', 'q1'), p('majority', 'q2'))).toEqual({
      ok: false,
      q1: ['a1', 'a2'],
      q2: ['a3', 'a4', 'a5'],
    });
  });

  it('a huge phase-1 family is scanned from the phase-2 side', () => {
    const m = names(40);
    expect(intersects(p('majority', 'q1', m), p('a1', 'q2', m))).toEqual({
      ok: false,
      q1: m.slice(1, 22),
      q2: ['a1'],
    });
    expect(intersects(p('all', 'q1', m), p('a1|a2,a3', 'q2', m)).ok).toBe(true);
  });

  it('both sides too large to list: a QuorumError', () => {
    const m = names(40);
    const w = `weighted:20:${m.map((x) => `${x}=1`).join(',')}`;
    expect(() => intersects(p('majority', 'q1', m), p(w, 'q2', m))).toThrow(QuorumError);
  });

  it('fault tolerance of each shape', () => {
    expect(faultTolerance(p('majority', 'q1'))).toBe(2);
    expect(faultTolerance(p('all', 'q1'))).toBe(0);
    expect(faultTolerance(p('any:2', 'q1'))).toBe(3);
    expect(faultTolerance(p('grid:2x3', 'q1'))).toBe(1);
    expect(faultTolerance(p('grid:2x3', 'q2'))).toBe(2);
    expect(faultTolerance(p('weighted:3:a1=2,a2=1,a3=1', 'q1'))).toBe(0);
    expect(faultTolerance(p('a1,a2|a3,a4|a1,a5', 'q1'))).toBe(1);
  });
});
