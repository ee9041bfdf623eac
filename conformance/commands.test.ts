// sameJson is canonical equality without the texts: for any two values it answers exactly
// `canonicalJson(a) === canonicalJson(b)`, on equal values written in another key order, on
// near-equal values (one leaf changed, one field added or dropped), and on the values JSON.parse
// never makes but a library caller might pass (undefined, NaN, -0).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { canonicalJson, sameJson, valueHash } from './commands.js';

const odd = fc.constantFrom<unknown>(undefined, NaN, Infinity, -Infinity, -0, 0, null, '', [], {});
const leaf = fc.oneof(fc.jsonValue({ maxDepth: 0 }), odd);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'op', 'key', 'value'), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** The same value with every object's keys in reverse order. */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reordered((v as Record<string, unknown>)[k]);
  return out;
}

/** `v` with the leaf or field at walk position `at` replaced by `by`, or a field added. */
function changed(v: unknown, at: number, by: unknown): unknown {
  let n = 0;
  const walk = (x: unknown): unknown => {
    if (n++ === at) return by;
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const out: Record<string, unknown> = {};
    for (const [k, y] of Object.entries(x)) out[k] = walk(y);
    if (n++ === at) out['added'] = by;
    return out;
  };
  return walk(v);
}

const agrees = (a: unknown, b: unknown): void => {
  expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
  expect(sameJson(b, a)).toBe(canonicalJson(a) === canonicalJson(b));
};

describe('valueHash', () => {
  test.prop([value])('a copy, and a copy in another key order, hash the same', (a) => {
    expect(valueHash(structuredClone(a))).toBe(valueHash(a));
    expect(valueHash(reordered(a))).toBe(valueHash(a));
  });

  test.prop([value, value])(
    'values with the same canonical text hash the same; others (here) differ',
    (a, b) => {
      expect(valueHash(a) === valueHash(b)).toBe(canonicalJson(a) === canonicalJson(b));
    },
  );

  test.prop([value, fc.nat({ max: 30 }), value])('a value and a near copy of it', (a, at, by) => {
    const b = changed(a, at, by);
    expect(valueHash(a) === valueHash(b)).toBe(canonicalJson(a) === canonicalJson(b));
  });

  test.prop([fc.jsonValue()])('on JSON values, escapes and surrogates included', (a) => {
    expect(valueHash(reordered(a))).toBe(valueHash(a));
    expect(valueHash(JSON.parse(canonicalJson(a)))).toBe(valueHash(a));
  });

  test('examples: kinds of leaf, swapped fields, null-like scalars, numbers', () => {
    const distinct = [
      1,
      '1',
      [1],
      { 1: 1 },
      true,
      'true',
      null,
      'null',
      [],
      {},
      '',
      0.5,
      '0.5',
      [[1]],
      [1, 2],
      [2, 1],
    ];
    expect(new Set(distinct.map(valueHash)).size).toBe(distinct.length);
    expect(valueHash({ a: 1, b: 2 })).not.toBe(valueHash({ a: 2, b: 1 }));
    expect(valueHash({ a: 1, b: undefined })).toBe(valueHash({ a: 1 }));
    expect(valueHash([undefined, NaN, Infinity])).toBe(valueHash([null, null, null]));
    expect(valueHash(-0)).toBe(valueHash(0));
    expect(valueHash(2 ** 31)).not.toBe(valueHash(-(2 ** 31)));
    expect(() => valueHash(1n)).toThrow();
  });
});

describe('sameJson', () => {
  test.prop([value, value])('two values: equal exactly when their canonical texts are', (a, b) => {
    agrees(a, b);
  });

  test.prop([value])('a value equals itself, a copy, and a copy in another key order', (a) => {
    expect(sameJson(a, a)).toBe(true);
    expect(sameJson(a, structuredClone(a))).toBe(true);
    expect(sameJson(a, reordered(a))).toBe(true);
  });

  test.prop([value, fc.nat({ max: 30 }), value])('a value and a near copy of it', (a, at, by) => {
    agrees(a, changed(a, at, by));
  });

  test('examples: undefined fields, null-like scalars, arrays against objects', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson(NaN, null)).toBe(true);
    expect(sameJson(-0, 0)).toBe(true);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson({ a: null }, {})).toBe(false);
  });
});
