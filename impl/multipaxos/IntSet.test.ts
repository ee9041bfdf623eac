import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntSet } from './IntSet.js';

describe('IntSet', () => {
  it('every version, added to one at a time or through an editor, answers as a Set would', () => {
    // Near each other (one word), apart, past 2^31 (division instead of shifts), at the word edges.
    const int = fc.oneof(
      fc.nat(100),
      fc.nat(100_000),
      fc.constantFrom(31, 32, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 31, Number.MAX_SAFE_INTEGER),
    );
    const step = fc.record({ add: fc.array(int, { minLength: 1, maxLength: 6 }), from: fc.nat() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.array(int, { maxLength: 20 }), (steps, probes) => {
        const versions: { set: IntSet; ref: Set<number> }[] = [{ set: IntSet.empty(), ref: new Set() }];
        for (const st of steps) {
          const v = versions[st.from % versions.length]!;
          let set: IntSet;
          if (st.add.length === 1) set = v.set.add(st.add[0]!);
          else {
            const e = v.set.edit();
            for (const k of st.add) e.add(k);
            for (const k of st.add) expect(e.has(k)).toBe(true);
            set = e.done();
          }
          versions.push({ set, ref: new Set([...v.ref, ...st.add]) });
        }
        for (const v of versions) {
          expect(v.set.size).toBe(v.ref.size);
          expect(v.set.keys()).toEqual([...v.ref].sort((a, b) => a - b));
          for (const k of [...probes, -1, 0.5, NaN, Infinity]) expect(v.set.has(k)).toBe(v.ref.has(k));
        }
      }),
      { numRuns: 300 },
    );
    expect(() => IntSet.empty().add(-1)).toThrow(RangeError);
    expect(() => IntSet.empty().add(0.5)).toThrow(RangeError);
  });
});
