// Laws of the structural fingerprint: canonical (key order, Set/Map insertion order, -0, absent
// keys do not matter), injective in practice (structurally different values get different
// fingerprints), and FiniteSet hashes exactly as the plain Set of its members.
import { describe, expect, test } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { fingerprint, fingerprintInto, type Fingerprint } from './fingerprint.js';
import { FiniteSet, Universe } from './FiniteSet.js';

// ---------------------------------------------------------------------------------------------
// An independent canonical form, canonical the same way the fingerprint is documented to be:
// object keys sorted and `undefined`-valued keys dropped; Set members and Map entries sorted (as a
// multiset: two distinct but structurally equal members both count, as JS Sets keep both);
// numbers by SameValueZero (so -0 is 0, NaN is NaN); arrays in order.

function canon(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'n:NaN' : `n:${v === 0 ? '0' : String(v)}`;
    case 'string':
      return `s:${JSON.stringify(v)}`;
    case 'boolean':
      return `b:${String(v)}`;
    case 'undefined':
      return 'u';
    case 'bigint':
      return `i:${v.toString()}`;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
      if (v instanceof FiniteSet || v instanceof Set) {
        return `S{${[...(v as Iterable<unknown>)].map(canon).sort().join(',')}}`;
      }
      if (v instanceof Map) {
        return `M{${[...v]
          .map(([k, e]) => `${canon(k)}=>${canon(e)}`)
          .sort()
          .join(',')}}`;
      }
      const rec = v as Record<string, unknown>;
      return `O{${Object.keys(rec)
        .filter((k) => rec[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canon(rec[k])}`)
        .join(',')}}`;
    }
    case 'function':
    case 'symbol':
      throw new Error(`canon: unexpected ${typeof v}`);
  }
}

const sameFp = (a: Fingerprint, b: Fingerprint): boolean => a.hi === b.hi && a.lo === b.lo;

// A small deterministic PRNG (mulberry32) for the equivalence-preserving rebuild below.
function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A structurally equal copy built differently: object keys in another order (plus extra keys
 * holding `undefined`), Sets and Maps filled in another order, 0 and -0 swapped.
 */
function rebuild(v: unknown, rnd: () => number): unknown {
  if (typeof v === 'number' && v === 0) return rnd() < 0.5 ? 0 : -0;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((e) => rebuild(e, rnd));
  if (v instanceof Set) return new Set(shuffled([...v], rnd).map((e) => rebuild(e, rnd)));
  if (v instanceof Map) {
    return new Map(shuffled([...v], rnd).map(([k, e]) => [rebuild(k, rnd), rebuild(e, rnd)] as const));
  }
  const rec = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(rec);
  if (rnd() < 0.3) keys.push('extra');
  for (const k of shuffled(keys, rnd)) out[k] = k in rec ? rebuild(rec[k], rnd) : undefined;
  return out;
}

/** A value with one small change somewhere (which may or may not change its structure). */
function mutate(v: unknown, rnd: () => number): unknown {
  if (typeof v !== 'object' || v === null) {
    const leaves: unknown[] = [0, 1, -1, 'a', '1', true, false, null, undefined, 1n, [], {}];
    return leaves[Math.floor(rnd() * leaves.length)];
  }
  if (Array.isArray(v)) {
    const xs = v as unknown[];
    if (xs.length === 0) return [0];
    const i = Math.floor(rnd() * xs.length);
    const r = rnd();
    if (r < 0.3) return xs.filter((_, j) => j !== i);
    if (r < 0.5 && xs.length > 1) return [...xs.slice(1), xs[0]];
    return xs.map((e, j) => (j === i ? mutate(e, rnd) : e));
  }
  if (v instanceof Set) {
    const xs: unknown[] = [...(v as Set<unknown>)];
    if (xs.length === 0 || rnd() < 0.3) return new Set([...xs, mutate(undefined, rnd)]);
    const i = Math.floor(rnd() * xs.length);
    return new Set(xs.map((e, j) => (j === i ? mutate(e, rnd) : e)));
  }
  if (v instanceof Map) {
    const xs = [...v];
    if (xs.length === 0) return new Map([[0, 0]]);
    const i = Math.floor(rnd() * xs.length);
    const swap = rnd() < 0.3;
    return new Map(
      xs.map(([k, e], j) => (j !== i ? [k, e] : swap ? [e, k] : [k, mutate(e, rnd)]) as [unknown, unknown]),
    );
  }
  const rec = v as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (keys.length === 0) return { a: 0 };
  const k = keys[Math.floor(rnd() * keys.length)]!;
  const r = rnd();
  if (r < 0.3) return Object.fromEntries(keys.filter((x) => x !== k).map((x) => [x, rec[x]]));
  if (r < 0.5) return Object.fromEntries(keys.map((x) => [x === k ? `${x}'` : x, rec[x]]));
  return { ...rec, [k]: mutate(rec[k], rnd) };
}

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0, -0, 0.5, -0.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, 1e-300),
  fc.double(),
  fc.constantFrom('', 'a', 'b', '0', '1', 'ab', 'true', 'null'),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -20n, max: 20n }),
);

const keyArb = fc.constantFrom('a', 'b', 'c', '0', '1', 'x y');

const { value: valueArb } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => new Set(xs)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((es) => new Map(es)),
    fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }).map((es) => Object.fromEntries(es)),
  ),
}));

/** Pairs that are often structurally equal, often nearly so, and sometimes unrelated. */
const pairArb: fc.Arbitrary<[unknown, unknown]> = fc.oneof(
  fc.tuple(valueArb, fc.integer()).map(([v, seed]): [unknown, unknown] => [v, rebuild(v, prng(seed))]),
  fc.tuple(valueArb, fc.integer()).map(([v, seed]): [unknown, unknown] => {
    const rnd = prng(seed);
    return [v, rebuild(mutate(v, rnd), rnd)];
  }),
  fc.tuple(valueArb, valueArb),
  fc.tuple(leaf, leaf),
);

describe('fingerprint is canonical', () => {
  fcTest.prop([valueArb, fc.integer()], { numRuns: 500 })(
    'a rebuilt value (other key order, Set/Map insertion order, -0, undefined keys) has the same fingerprint',
    (v, seed) => {
      const w = rebuild(v, prng(seed));
      expect(canon(w)).toBe(canon(v)); // the rebuild itself is structure-preserving
      expect(fingerprint(w)).toEqual(fingerprint(v));
    },
  );

  test('object key order does not matter, nested', () => {
    expect(fingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toEqual(
      fingerprint({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
  });

  test('Set and Map insertion order do not matter, nested', () => {
    const a = new Map<unknown, unknown>([
      ['k', new Set([1, 2, 3])],
      [{ x: 1 }, new Set(['a', 'b'])],
    ]);
    const b = new Map<unknown, unknown>([
      [{ x: 1 }, new Set(['b', 'a'])],
      ['k', new Set([3, 1, 2])],
    ]);
    expect(fingerprint(a)).toEqual(fingerprint(b));
    expect(fingerprint([new Set([a])])).toEqual(fingerprint([new Set([b])]));
  });

  test('-0 equals 0, alone and nested', () => {
    expect(fingerprint(-0)).toEqual(fingerprint(0));
    expect(fingerprint({ a: [-0] })).toEqual(fingerprint({ a: [0] }));
    expect(fingerprint(new Map([[-0, -0]]))).toEqual(fingerprint(new Map([[0, 0]])));
  });

  test('{a: undefined} equals {}, and nested', () => {
    expect(fingerprint({ a: undefined })).toEqual(fingerprint({}));
    expect(fingerprint({ a: 1, b: undefined })).toEqual(fingerprint({ a: 1 }));
    expect(fingerprint([{ x: { y: undefined } }])).toEqual(fingerprint([{ x: {} }]));
  });

  test('integral floats equal the integer', () => {
    expect(fingerprint(3.0)).toEqual(fingerprint(3));
    expect(fingerprint(2 ** 40)).toEqual(fingerprint(2 ** 20 * 2 ** 20));
  });

  test('NaN equals NaN', () => {
    expect(fingerprint(NaN)).toEqual(fingerprint(Number('not a number')));
    expect(fingerprint({ a: [NaN] })).toEqual(fingerprint({ a: [Number.NaN] }));
    expect(sameFp(fingerprint(NaN), fingerprint(0))).toBe(false);
  });

  // Regression: NaN was hashed by its raw bits, and V8 keeps the sign bit of a NaN written to a
  // Float64Array (x86-64's 0/0 sets it), so the one JS value NaN got two fingerprints.
  test('NaN fingerprints the same whatever its bit pattern (all NaNs are one JS value)', () => {
    const negativeQuietNaN = new Float64Array(new Uint32Array([0, 0xfff80000]).buffer)[0]!;
    expect(Object.is(negativeQuietNaN, NaN)).toBe(true);
    expect(fingerprint(negativeQuietNaN)).toEqual(fingerprint(NaN));
  });
});

describe('fingerprint separates different values', () => {
  fcTest.prop([pairArb], { numRuns: 2000 })(
    'fingerprints are equal iff the values are structurally equal',
    ([a, b]) => {
      expect(sameFp(fingerprint(a), fingerprint(b))).toBe(canon(a) === canon(b));
    },
  );

  test.each([
    ['[1]', [1]],
    ['Set{1}', new Set([1])],
    ['{0: 1}', { 0: 1 }],
    ['Map{0 => 1}', new Map([[0, 1]])],
    ["Map{'0' => 1}", new Map([['0', 1]])],
    ['1', 1],
    ["'1'", '1'],
    ['1n', 1n],
    ['true', true],
    ['1.5', 1.5],
    ['null', null],
    ['undefined', undefined],
    ['[]', []],
    ['{}', {}],
    ['Set{}', new Set()],
    ['Map{}', new Map()],
    ["''", ''],
    ['0', 0],
    ['false', false],
    ['[undefined]', [undefined]],
    ['[null]', [null]],
  ])('%s differs from every other value of the list', (_name, v) => {
    const all: unknown[] = [
      [1],
      new Set([1]),
      { 0: 1 },
      new Map([[0, 1]]),
      new Map([['0', 1]]),
      1,
      '1',
      1n,
      true,
      1.5,
      null,
      undefined,
      [],
      {},
      new Set(),
      new Map(),
      '',
      0,
      false,
      [undefined],
      [null],
    ];
    const fp = fingerprint(v);
    const equal = all.filter((w) => sameFp(fingerprint(w), fp));
    expect(equal).toHaveLength(1);
    expect(canon(equal[0])).toBe(canon(v));
  });

  test('order matters in arrays and in Map entries', () => {
    expect(sameFp(fingerprint([1, 2]), fingerprint([2, 1]))).toBe(false);
    expect(sameFp(fingerprint(new Map([[1, 2]])), fingerprint(new Map([[2, 1]])))).toBe(false);
    expect(sameFp(fingerprint({ a: 'b' }), fingerprint({ b: 'a' }))).toBe(false);
    expect(sameFp(fingerprint([[1], [2]]), fingerprint([[1, 2]]))).toBe(false);
    expect(sameFp(fingerprint(['ab']), fingerprint(['a', 'b']))).toBe(false);
  });

  test('null and undefined differ, also as array members', () => {
    expect(sameFp(fingerprint(null), fingerprint(undefined))).toBe(false);
    expect(sameFp(fingerprint([null]), fingerprint([undefined]))).toBe(false);
    expect(sameFp(fingerprint({ a: null }), fingerprint({}))).toBe(false);
  });

  test('small integers and short strings all get distinct fingerprints', () => {
    const seen = new Map<string, unknown>();
    const values: unknown[] = [];
    for (let i = -5000; i <= 5000; i++) values.push(i, String(i), i + 0.5);
    for (const v of values) {
      const fp = fingerprint(v);
      const key = `${fp.hi}:${fp.lo}`;
      expect(seen.get(key), `${String(v)} collides`).toBeUndefined();
      seen.set(key, v);
    }
  });
});

describe('fingerprint rejects non-data', () => {
  test.each([
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a function in an object', { f: () => 1 }],
    ['a symbol in an array', [Symbol.iterator]],
    ['a function in a Set', new Set([() => 1])],
    ['a function as a Map key', new Map([[() => 1, 1]])],
  ])('%s throws a TypeError', (_name, v) => {
    expect(() => fingerprint(v)).toThrow(TypeError);
    expect(() => fingerprintInto(v, new Uint32Array(2))).toThrow(TypeError);
  });
});

describe('fingerprintInto', () => {
  fcTest.prop([valueArb], { numRuns: 300 })('writes the same halves fingerprint returns', (v) => {
    const out = new Uint32Array(2);
    fingerprintInto(v, out);
    const fp = fingerprint(v);
    expect([out[0], out[1]]).toEqual([fp.hi, fp.lo]);
  });
});

// ---------------------------------------------------------------------------------------------
// FiniteSet

interface Msg {
  type: 'req' | 'ack';
  n: number;
  tag: string | null;
  path?: number[];
}

const items: Msg[] = [];
for (const type of ['req', 'ack'] as const) {
  for (let n = 0; n < 6; n++) {
    for (const tag of [null, 'x', 'yy']) {
      items.push(n % 2 === 0 ? { type, n, tag } : { type, n, tag, path: [n, n - 1] });
    }
  }
}
const key = (m: Msg): string => JSON.stringify([m.type, m.n, m.tag]);
const universe = new Universe<Msg>(items, key);
// The same members in another order: a set's fingerprint must not depend on the universe layout.
const reversed = new Universe<Msg>([...items].reverse(), key);

/** Copies of the universe's items, built afresh with other key orders. */
const copy = (m: Msg): Msg => (m.path === undefined ? { tag: m.tag, n: m.n, type: m.type } : { ...m });

describe('FiniteSet fingerprint', () => {
  fcTest.prop([fc.shuffledSubarray(items), fc.integer()], { numRuns: 300 })(
    'equals that of a plain Set of the same members, whatever the add order and universe',
    (members, seed) => {
      const fs = universe.of(...members);
      const plain = new Set(shuffled(members, prng(seed)).map(copy));
      const other = reversed.of(...shuffled(members, prng(seed + 1)));
      expect(fs.size).toBe(members.length);
      expect(fingerprint(fs)).toEqual(fingerprint(plain));
      expect(fingerprint(other)).toEqual(fingerprint(fs));
      expect(fingerprint({ msgs: fs, round: 1 })).toEqual(fingerprint({ round: 1, msgs: plain }));
      expect(fingerprint([fs, fs])).toEqual(fingerprint([plain, plain]));
    },
  );

  fcTest.prop([fc.shuffledSubarray(items), fc.shuffledSubarray(items)], { numRuns: 500 })(
    'two FiniteSets have equal fingerprints iff they have the same members',
    (xs, ys) => {
      const a = universe.of(...xs);
      const b = universe.of(...ys);
      const same = canon(new Set(xs)) === canon(new Set(ys));
      expect(sameFp(fingerprint(a), fingerprint(b))).toBe(same);
    },
  );

  fcTest.prop([fc.shuffledSubarray(items, { minLength: 1 })], { numRuns: 200 })(
    'adding through add, addIndex or twice gives the same set',
    (members) => {
      const byAdd = members.reduce((s, m) => s.add(m).add(m), universe.empty);
      const byIndex = members.reduce((s, m) => s.addIndex(universe.indexOf(m)), universe.empty);
      expect(byAdd.size).toBe(members.length);
      expect(fingerprint(byIndex)).toEqual(fingerprint(byAdd));
      expect(byAdd.addIndex(universe.indexOf(members[0]!))).toBe(byAdd); // present: the same set
      expect(sameFp(fingerprint(byAdd), fingerprint(universe.empty))).toBe(false);
    },
  );

  test('the empty FiniteSet fingerprints as new Set()', () => {
    expect(fingerprint(universe.empty)).toEqual(fingerprint(new Set()));
    expect(fingerprint(new Universe<number>([], String).empty)).toEqual(fingerprint(new Set()));
  });

  test('a FiniteSet differs from the array of its members', () => {
    const s = universe.of(items[0]!, items[1]!);
    expect(sameFp(fingerprint(s), fingerprint(s.toArray()))).toBe(false);
  });

  test('a universe of numbers spanning many bit words', () => {
    const nums = Array.from({ length: 100 }, (_, i) => i * 3 - 50);
    const u = new Universe<number>(nums, String);
    const members = nums.filter((_, i) => i % 7 === 0 || i === 99);
    const fs = u.of(...[...members].reverse());
    expect([...fs]).toEqual(members);
    expect(fingerprint(fs)).toEqual(fingerprint(new Set(members)));
  });
});
