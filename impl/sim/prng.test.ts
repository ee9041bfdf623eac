import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

describe('Prng (xoshiro128** seeded by splitmix32)', () => {
  it('produces its pinned sequence', () => {
    const p = new Prng(42);
    expect([p.nextUint32(), p.nextUint32(), p.nextUint32(), p.nextUint32(), p.nextUint32()]).toEqual([
      2837322924, 544945897, 479756282, 3500138142, 339756180,
    ]);
    const q = new Prng(0);
    expect([q.nextUint32(), q.nextUint32(), q.nextUint32()]).toEqual([3809008728, 1133695204, 53579671]);
    expect(new Prng(2 ** 40 + 3).state()).toEqual([3949127471, 1635141031, 3485413251, 1273933912]);
  });

  it('continues exactly from a saved state', () => {
    const p = new Prng(7);
    for (let i = 0; i < 100; i++) p.next();
    const q = Prng.fromState(p.state());
    for (let i = 0; i < 100; i++) expect(q.nextUint32()).toBe(p.nextUint32());
  });

  it('draws floats in [0, 1) and integers in [0, n)', () => {
    const p = new Prng(1);
    for (let i = 0; i < 10_000; i++) {
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = p.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
    }
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => new Prng(1.5)).toThrow(/safe integer/);
  });
});
