import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotLog } from './SlotLog.js';

describe('SlotLog', () => {
  it('every version answers as a Map of its slots would, whatever slots and forks', () => {
    // Slots in order (the common case), near each other, far apart, replaced; any version extended.
    const slot = fc.oneof(fc.nat(40), fc.integer({ min: 0, max: 5000 }), fc.constantFrom(2 ** 31, 2 ** 40));
    const step = fc.record({ slot, value: fc.nat(), from: fc.nat() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), fc.array(slot, { maxLength: 20 }), (steps, probes) => {
        const versions: { log: SlotLog<number>; ref: Map<number, number>; order: number[] }[] = [
          { log: SlotLog.empty(), ref: new Map(), order: [] },
        ];
        let next = 0;
        for (const st of steps) {
          // Mostly the newest version (in place), sometimes an older one (a fork).
          const v = versions[st.from % 3 === 0 ? st.from % versions.length : versions.length - 1]!;
          const slot = st.slot === 0 ? next++ : st.slot;
          const order = v.ref.has(slot) ? [...v.order.filter((s) => s !== slot), slot] : [...v.order, slot];
          versions.push({ log: v.log.set(slot, st.value), ref: new Map(v.ref).set(slot, st.value), order });
        }
        for (const v of versions) {
          expect(v.log.size).toBe(v.ref.size);
          expect(v.log.slots()).toEqual(v.order);
          for (const s of [...probes, ...v.ref.keys(), -1, 0.5, NaN]) {
            expect(v.log.get(s)).toBe(v.ref.get(s));
            expect(v.log.has(s)).toBe(v.ref.has(s));
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(() => SlotLog.empty<number>().set(-1, 1)).toThrow(RangeError);
    expect(() => SlotLog.empty<number>().set(0.5, 1)).toThrow(RangeError);
  });
});
