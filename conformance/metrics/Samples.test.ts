// Laws of the bounded sample store and of the down-sampled series.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Samples } from './Samples.js';
import { Series } from './Series.js';

describe('Samples', () => {
  test('nearest-rank quantiles of a known list', () => {
    const s = new Samples();
    for (let i = 1; i <= 100; i++) s.add(i);
    expect(s.stats()).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  test('no samples: undefined; negative samples count as 0', () => {
    const s = new Samples();
    expect(s.stats()).toBeUndefined();
    s.add(-5);
    expect(s.stats()).toMatchObject({ count: 1, max: 0 });
    expect(s.negatives).toBe(1);
  });

  test.prop([
    fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }),
    fc.integer({ min: 1, max: 64 }),
  ])('beyond the capacity: quantiles ordered, count, mean and max exact', (xs, capacity) => {
    const s = new Samples(capacity);
    for (const x of xs) s.add(x);
    const st = s.stats()!;
    expect(st.count).toBe(xs.length);
    expect(st.max).toBe(Math.max(...xs));
    expect(st.mean).toBeCloseTo(xs.reduce((a, x) => a + x, 0) / xs.length, 3);
    expect(st.p50).toBeLessThanOrEqual(st.p95);
    expect(st.p95).toBeLessThanOrEqual(st.p99);
    expect(st.p99).toBeLessThanOrEqual(st.max);
  });

  test('the reservoir is deterministic and close on a large uniform input', () => {
    const run = (): number | undefined => {
      const s = new Samples(1000);
      for (let i = 0; i < 100_000; i++) s.add(i % 1000);
      return s.stats()?.p50;
    };
    expect(run()).toBe(run());
    expect(Math.abs((run() ?? 0) - 500)).toBeLessThan(60);
  });
});

describe('Series', () => {
  test.prop([
    fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 3000 }),
    fc.integer({ min: 2, max: 100 }),
  ])('at most limit points, x in order, and the largest y kept', (ys, limit) => {
    const s = new Series(limit);
    ys.forEach((y, i) => s.add(i, y));
    const pts = s.points();
    expect(pts.length).toBeLessThanOrEqual(limit);
    if (ys.length > 0) expect(Math.max(...pts.map((p) => p[1]))).toBe(Math.max(...ys));
    else expect(pts).toEqual([]);
    for (let i = 1; i < pts.length; i++) expect(pts[i]![0]).toBeGreaterThan(pts[i - 1]![0]);
  });

  test('short series are kept whole', () => {
    const s = new Series(10);
    s.add(0, 1);
    s.add(5, 2);
    expect(s.points()).toEqual([
      [0, 1],
      [5, 2],
    ]);
  });
});
