// The writer's byte ring: what it writes is JSON.stringify's text byte for byte, values it must not
// write are left to the caller, and an entry is called live exactly while its bytes are intact
// (checked against the text after every put, with rings small enough to come round many times).
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { trickyString } from './__test-helpers__/arbitraries.js';
import { JsonArena, NOT_WRITTEN } from './jsonArena.js';

/** The bytes of a live entry, as text. */
function text(a: JsonArena, e: number): string {
  const start = a.start(e);
  expect(start).toBeGreaterThanOrEqual(0);
  return a.mem.toString('utf8', start, start + a.length(e));
}

/** Strings that take every branch: escapes, non-ASCII, astral pairs, lone surrogates. */
const tricky = trickyString(6);

/** Values with what JSON.stringify leaves out (undefined, functions, symbols) or writes as null (NaN, Infinity). */
const plain: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.jsonValue(),
      tricky,
      fc.double(),
      fc.integer(),
      fc.constantFrom(-0, 2 ** 31, 2 ** 31 - 1, 1e21, undefined, null, true, false),
    ),
    fc.array(
      fc.oneof(
        tie('v'),
        fc.constantFrom(undefined, () => 1, Symbol('s')),
      ),
      { maxLength: 4 },
    ),
    fc.dictionary(fc.oneof(tricky, fc.string()), fc.oneof(tie('v'), fc.constant(undefined)), {
      maxKeys: 4,
      noNullPrototype: false,
    }),
  ),
})).v;

describe('put', () => {
  fcTest.prop([plain])('writes what JSON.stringify writes', (v) => {
    const a = new JsonArena(64, 1 << 16);
    const expected = JSON.stringify(v) as string | undefined;
    const e = a.put(v);
    if (expected === undefined) expect(e).toBe(NOT_WRITTEN);
    else expect(text(a, e)).toBe(expected);
  });

  test('leaves to the caller what only JSON.stringify writes, and what is not JSON', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    class List extends Array<number> {}
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const v of [
      new Date(0),
      new Point(1),
      { toJSON: () => 1 },
      [{ inner: { toJSON: () => 'x' } }],
      List.from([1]),
      Object(3) as object,
      new Map(),
      10n,
      { big: 10n },
      deep,
      cyclic,
      undefined,
      () => 1,
      Symbol('s'),
    ]) {
      expect(new JsonArena(64, 1 << 12).put(v)).toBe(NOT_WRITTEN);
    }
    // Sixty-four levels are written, as JSON.stringify writes them.
    let ok: unknown = 1;
    for (let i = 0; i < 63; i++) ok = [ok];
    const a = new JsonArena(64, 1 << 12);
    expect(text(a, a.put(ok))).toBe(JSON.stringify(ok));
  });

  test('a value longer than the ring is not written, and the ring goes on', () => {
    const a = new JsonArena(64, 256);
    expect(a.put('x'.repeat(300))).toBe(NOT_WRITTEN);
    expect(a.put(['y'.repeat(200), 'z'.repeat(100)])).toBe(NOT_WRITTEN);
    const e = a.put({ fine: [1, 2, 3] });
    expect(text(a, e)).toBe('{"fine":[1,2,3]}');
  });
});

describe('the ring', () => {
  // Values that share arrays (a batch carried by several messages), written in random order into
  // rings a few values long: after every put, each entry is live exactly when its bytes still are
  // its value's text, and the newest one always is.
  const batch = fc.array(fc.record({ f: fc.constantFrom('read', 'write'), key: tricky, value: fc.nat() }), {
    minLength: 1,
    maxLength: 12,
  });
  fcTest.prop(
    [
      fc.array(batch, { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('accept', 'persist', 'bare', 'catchup', 'foreign')), {
        minLength: 1,
        maxLength: 60,
      }),
      fc.constantFrom(256, 512, 1024, 4096),
      fc.constantFrom(4, 16, 1024),
      fc.boolean(),
    ],
    { numRuns: 150 },
  )('an entry is live while its bytes are intact', (batches, puts, ringSize, entries, remember) => {
    const a = new JsonArena(16, ringSize, entries);
    a.remember = remember;
    const written: { e: number; expected: string }[] = [];
    for (const [k, shape] of puts) {
      const b = batches[k % batches.length]!;
      const v =
        shape === 'accept'
          ? { type: 'accept', slot: k, value: b }
          : shape === 'persist'
            ? { [`v.${k}`]: { ballot: { round: k, node: 'n1' }, value: b } }
            : shape === 'catchup'
              ? {
                  type: 'catchup-reply',
                  entries: [
                    { slot: k, value: b },
                    { slot: k + 1, value: b },
                  ],
                }
              : shape === 'foreign'
                ? { type: 'x-note', value: b, at: new Date(0) } // the batch is written before the Date stops it
                : b;
      const e = a.put(v);
      if (shape === 'foreign') {
        expect(e).toBe(NOT_WRITTEN);
        continue;
      }
      const expected = JSON.stringify(v);
      if (Buffer.byteLength(expected) > ringSize) {
        expect(e).toBe(NOT_WRITTEN);
        continue;
      }
      expect(e).toBeGreaterThanOrEqual(0);
      expect(text(a, e)).toBe(expected);
      written.push({ e, expected });
      for (const w of written) {
        const start = a.start(w.e);
        if (start >= 0) expect(a.mem.toString('utf8', start, start + a.length(w.e))).toBe(w.expected);
      }
    }
    // An entry whose slot in the table was taken, or that the ring came round to, is not live.
    const firsts = written.filter((w) => a.start(w.e) < 0);
    if (written.length > entries) expect(firsts.length).toBeGreaterThan(0);
  });

  test('with remember, an array written again is copied (so a later mutation is not seen: the contract)', () => {
    for (const remember of [false, true]) {
      const a = new JsonArena(16, 1 << 12);
      a.remember = remember;
      const batch = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: i }));
      const first = a.put({ type: 'accept', value: batch });
      batch[0]!.value = 99;
      const second = a.put({ type: 'decide', value: batch });
      expect(text(a, first)).toContain('"value":0}');
      expect(text(a, second)).toContain(remember ? '"value":0}' : '"value":99}');
    }
  });

  test('short arrays are not remembered', () => {
    const a = new JsonArena(16, 1 << 12);
    a.remember = true;
    const small = [1, 2, 3];
    a.put({ v: small });
    small[0] = 7;
    expect(text(a, a.put({ v: small }))).toBe('{"v":[7,2,3]}');
  });

  test('an entry dies when the ring comes round to it, not before', () => {
    const a = new JsonArena(16, 100);
    const e = a.put('x'.repeat(38)); // 40 bytes at 0
    const f = a.put('y'.repeat(38)); // 40 bytes at 40
    expect(a.start(e)).toBe(16);
    const g = a.put('z'.repeat(38)); // no room at 80: written at the ring's start, over e
    expect(a.start(g)).toBe(16);
    expect(a.start(e)).toBe(-1);
    expect(text(a, f)).toBe(`"${'y'.repeat(38)}"`);
    a.put('w'.repeat(8)); // 10 bytes at 40: f's first bytes
    expect(a.start(f)).toBe(-1);
    expect(text(a, g)).toBe(`"${'z'.repeat(38)}"`);
  });
});
