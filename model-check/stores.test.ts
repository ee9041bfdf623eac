// The checker's stores against plain reference structures: the seen-set against a Map, the
// predecessor store against parent links kept in an array, the frontier against an array queue.
import { describe, expect, test } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { Frontier } from './Frontier.js';
import { PredecessorStore } from './PredecessorStore.js';
import { SeenSet } from './SeenSet.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

/**
 * Fingerprints that collide in the table: the slot is `(lo ^ imul(hi, 0x9e3779b1)) & mask`, so
 * `lo = imul(hi, 0x9e3779b1) ^ k` lands in slot `k` at every table size.
 */
const clustered = (hi: number, k: number): [number, number] => [hi, (Math.imul(hi, 0x9e3779b1) ^ k) >>> 0];

const fingerprintArb: fc.Arbitrary<[number, number]> = fc.oneof(
  fc.tuple(u32, u32),
  // Same lo, different hi (and the extreme values of each half).
  fc.tuple(u32, fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff)),
  fc.tuple(fc.constantFrom(0, 1, 0x80000000, 0xffffffff), u32),
  fc.tuple(u32, fc.nat(7)).map(([hi, k]) => clustered(hi, k)),
);

const key = (hi: number, lo: number): string => `${hi}:${lo}`;

describe('SeenSet', () => {
  fcTest.prop(
    [
      fc.array(fingerprintArb, { minLength: 1, maxLength: 3000, size: 'max' }),
      fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat({ max: 0x7fffffff })), {
        maxLength: 4000,
        size: 'max',
      }),
    ],
    { numRuns: 60 },
  )('agrees with a Map under random inserts and lookups, growing from 16 slots', (pool, ops) => {
    const seen = new SeenSet(16);
    const ref = new Map<string, number>();
    const initialBytes = seen.bytes;
    // Insert most of the pool in order so the table grows many times, then random operations.
    const all = [
      ...pool.map((_, i): [boolean, number, number] => [true, i, i]),
      ...ops.map(([insert, i, id]): [boolean, number, number] => [insert, i % pool.length, id]),
    ];
    const mismatches: string[] = [];
    all.forEach(([insert, i, id], step) => {
      const [hi, lo] = pool[i]!;
      const expected = ref.get(key(hi, lo)) ?? -1;
      const got = insert ? seen.insert(hi, lo, id) : seen.get(hi, lo);
      if (insert && expected === -1) ref.set(key(hi, lo), id);
      if (got !== expected || seen.size !== ref.size) {
        mismatches.push(
          `step ${step}: ${insert ? 'insert' : 'get'}(${hi}, ${lo}) = ${got}, expected ${expected}`,
        );
      }
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(seen.size).toBe(ref.size);
    expect(pool.filter(([hi, lo]) => seen.get(hi, lo) !== ref.get(key(hi, lo)))).toEqual([]);
    // Bytes: three 4-byte arrays, at most 3/4 full.
    expect(seen.bytes).toBeGreaterThanOrEqual(Math.max(initialBytes, (ref.size * 4 * 12) / 3));
  });

  test('100,000 fingerprints, 2,000 of them in 8 colliding slots, and same-lo twins', () => {
    const seen = new SeenSet(16);
    const fps: [number, number][] = [];
    for (let i = 0; i < 2_000; i++) fps.push(clustered((i * 2654435761) >>> 0, i & 7));
    for (let i = 0; i < 98_000; i++) fps.push([(i * 0x27d4eb2f + 12345) >>> 0, (i * 0x165667b1) >>> 0]);
    const base = fps.length;
    for (let i = 0; i < base; i += 97) fps.push([(fps[i]![0] ^ 0x40000000) >>> 0, fps[i]![1]]);
    const bad: string[] = [];
    fps.forEach(([hi, lo], id) => {
      if (seen.insert(hi, lo, id) !== -1) bad.push(`insert ${id}`);
    });
    expect(new Set(fps.map(([hi, lo]) => key(hi, lo))).size).toBe(fps.length); // all distinct
    expect(seen.size).toBe(fps.length);
    fps.forEach(([hi, lo], id) => {
      if (seen.get(hi, lo) !== id) bad.push(`get ${id}`);
      if (seen.insert(hi, lo, id + 1) !== id) bad.push(`reinsert ${id}`);
    });
    expect(bad).toEqual([]);
    expect(seen.size).toBe(fps.length);
    expect(seen.get(fps[0]![0], (fps[0]![1] ^ 8) >>> 0)).toBe(-1);
    expect(seen.get((fps[0]![0] + 2) >>> 0, fps[0]![1])).toBe(-1);
  });

  test('the fingerprint 0:0 and the id 0 are ordinary values', () => {
    const seen = new SeenSet(16);
    expect(seen.get(0, 0)).toBe(-1);
    expect(seen.insert(0, 0, 0)).toBe(-1);
    expect(seen.get(0, 0)).toBe(0);
    expect(seen.insert(0, 0, 5)).toBe(0);
    expect(seen.size).toBe(1);
  });

  // Model-based: the same comparison, with fast-check shrinking a failing command sequence.
  type Sys = { real: SeenSet; model: Map<string, number> };
  class Insert implements fc.Command<Map<string, number>, SeenSet> {
    constructor(
      readonly hi: number,
      readonly lo: number,
      readonly id: number,
    ) {}
    check = (): boolean => true;
    run(model: Map<string, number>, real: SeenSet): void {
      const k = key(this.hi, this.lo);
      expect(real.insert(this.hi, this.lo, this.id)).toBe(model.get(k) ?? -1);
      if (!model.has(k)) model.set(k, this.id);
      expect(real.size).toBe(model.size);
    }
    toString = (): string => `insert(${this.hi}, ${this.lo}, ${this.id})`;
  }
  class Get implements fc.Command<Map<string, number>, SeenSet> {
    constructor(
      readonly hi: number,
      readonly lo: number,
    ) {}
    check = (): boolean => true;
    run(model: Map<string, number>, real: SeenSet): void {
      expect(real.get(this.hi, this.lo)).toBe(model.get(key(this.hi, this.lo)) ?? -1);
    }
    toString = (): string => `get(${this.hi}, ${this.lo})`;
  }
  // A small domain of fingerprints so that repeats and collisions are frequent.
  const smallFp = fc
    .tuple(fc.nat(40), fc.nat(3))
    .map(([a, k]): [number, number] => (a % 2 === 0 ? clustered(a * 0x01000193, k) : [a * 0x01000193, k]));
  fcTest.prop(
    [
      fc.commands(
        [
          fc.tuple(smallFp, fc.nat(1000)).map(([[hi, lo], id]) => new Insert(hi >>> 0, lo >>> 0, id)),
          smallFp.map(([hi, lo]) => new Get(hi >>> 0, lo >>> 0)),
        ],
        { maxCommands: 300, size: 'max' },
      ),
    ],
    { numRuns: 100 },
  )('model-based: insert and get against a Map', (cmds) => {
    fc.modelRun((): Sys => ({ real: new SeenSet(16), model: new Map() }), cmds);
  });
});

describe('PredecessorStore', () => {
  /** A random forest in discovery order: each node's parent is -1 (a root) or an earlier node. */
  const forestArb = fc
    .array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(50)), {
      minLength: 1,
      maxLength: 600,
      size: 'max',
    })
    .map((xs) =>
      xs.map(([r, action], i) => ({ parent: i === 0 || r < 0.1 ? -1 : Math.floor(r * i) % i, action })),
    );

  fcTest.prop([forestArb, fc.integer({ min: 1, max: 8 })], { numRuns: 100 })(
    'paths walk back to a root and list its actions forward, across growth',
    (forest, capacity) => {
      const store = new PredecessorStore(capacity);
      forest.forEach(({ parent, action }, i) => {
        expect(store.add(parent, action)).toBe(i);
      });
      expect(store.size).toBe(forest.length);
      expect(store.bytes).toBeGreaterThanOrEqual(forest.length * 8);
      const wrong = forest.flatMap((_, id) => {
        const expected: number[] = [];
        for (let cur = id; cur >= 0; cur = forest[cur]!.parent) expected.unshift(forest[cur]!.action);
        const got = store.path(id);
        return got.join() === expected.join() && got.length === expected.length
          ? []
          : [{ id, got, expected }];
      });
      expect(wrong.slice(0, 3)).toEqual([]);
    },
  );

  test('a chain of 200,000 states', () => {
    const store = new PredecessorStore();
    store.add(-1, 2);
    for (let i = 1; i < 200_000; i++) store.add(i - 1, i % 5);
    const path = store.path(199_999);
    expect(path).toHaveLength(200_000);
    expect(path[0]).toBe(2);
    expect(path.slice(1, 7)).toEqual([1, 2, 3, 4, 0, 1]);
    expect(path[199_999]).toBe(199_999 % 5);
  });

  // Regression: growth doubled the current length, so a store built with capacity 0 never grew.
  test('a store created with capacity 0 grows like any other', () => {
    const store = new PredecessorStore(0);
    store.add(-1, 0);
    store.add(0, 3);
    expect(store.path(1)).toEqual([0, 3]);
  });
});

describe('Frontier', () => {
  test('FIFO order across compaction, with interleaved pushes and shifts (> 70,000 items)', () => {
    const f = new Frontier<{ n: number }>();
    let pushed = 0;
    let shifted = 0;
    const bad: string[] = [];
    const push = (): void => {
      f.push({ n: pushed }, pushed * 3);
      pushed++;
    };
    const shift = (): void => {
      if (f.peekId() !== shifted * 3) bad.push(`peekId at ${shifted}`);
      if (f.shift().n !== shifted) bad.push(`shift at ${shifted}`);
      shifted++;
    };
    for (let i = 0; i < 70_000; i++) push();
    for (let i = 0; i < 200_000; i++) {
      if (i % 3 !== 2) shift();
      push();
      if (i % 7 === 0) push();
      if (f.size !== pushed - shifted) bad.push(`size at ${i}`);
    }
    while (f.size > 0) shift();
    expect(bad.slice(0, 5)).toEqual([]);
    expect(shifted).toBe(pushed);
    expect(pushed).toBeGreaterThan(250_000);
  });

  type Queue = { items: number[]; head: number };
  class PushMany implements fc.Command<Queue, Frontier<string>> {
    constructor(readonly k: number) {}
    check = (): boolean => true;
    run(m: Queue, f: Frontier<string>): void {
      for (let i = 0; i < this.k; i++) {
        const id = m.items.length;
        m.items.push(id);
        f.push(`s${id}`, id);
      }
      expect(f.size).toBe(m.items.length - m.head);
    }
    toString = (): string => `push×${this.k}`;
  }
  class ShiftMany implements fc.Command<Queue, Frontier<string>> {
    constructor(readonly k: number) {}
    check = (m: Readonly<Queue>): boolean => m.items.length - m.head > 0;
    run(m: Queue, f: Frontier<string>): void {
      const k = Math.min(this.k, m.items.length - m.head);
      let mismatch: string | undefined;
      for (let i = 0; i < k; i++) {
        const id = m.items[m.head++]!;
        const peeked = f.peekId();
        const state = f.shift();
        if (mismatch === undefined && (peeked !== id || state !== `s${id}`)) {
          mismatch = `expected ${id}, got id ${peeked} and state ${state}`;
        }
      }
      expect(mismatch).toBeUndefined();
      expect(f.size).toBe(m.items.length - m.head);
    }
    toString = (): string => `shift×${this.k}`;
  }
  fcTest.prop(
    [
      fc.commands(
        [
          fc.integer({ min: 1, max: 50_000 }).map((k) => new PushMany(k)),
          fc.integer({ min: 1, max: 50_000 }).map((k) => new ShiftMany(k)),
        ],
        { maxCommands: 12, size: 'max' },
      ),
    ],
    { numRuns: 25 },
  )('model-based: bulk pushes and shifts against an array queue', (cmds) => {
    // Start with 60,000 waiting so that bulk shifts soon cross the compaction threshold.
    fc.modelRun(() => {
      const model: Queue = { items: [], head: 0 };
      const real = new Frontier<string>();
      new PushMany(60_000).run(model, real);
      return { model, real };
    }, cmds);
  });
});
