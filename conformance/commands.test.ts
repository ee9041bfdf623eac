// sameJson is canonical equality without the texts: for any two values it answers exactly
// `canonicalJson(a) === canonicalJson(b)`, on equal values written in another key order, on
// near-equal values (one leaf changed, one field added or dropped), and on the values JSON.parse
// never makes but a library caller might pass (undefined, NaN, -0).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { canonicalHash, canonicalJson, hash32, sameJson } from './commands.js';

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

describe('canonicalHash', () => {
  test.prop([value])('is the hash of the canonical text', (a) => {
    expect(canonicalHash(a)).toBe(hash32(canonicalJson(a)));
  });

  test.prop([fc.jsonValue()])('on JSON values, escapes and surrogates included', (a) => {
    expect(canonicalHash(a)).toBe(hash32(canonicalJson(a)));
    expect(canonicalHash(reordered(a))).toBe(canonicalHash(a));
  });

  test('examples: escaped strings and keys, lone surrogates, odd scalars', () => {
    for (const v of ['a"b', 'tab\t', '\ud800', { 'k"': 1, a: [undefined, NaN, -0, true] }, 1e21, -1.5]) {
      expect(canonicalHash(v)).toBe(hash32(canonicalJson(v)));
    }
    expect(canonicalHash({ a: 1, b: 2 })).not.toBe(canonicalHash({ a: 2, b: 1 }));
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
