import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './EventQueue.js';

describe('EventQueue', () => {
  it('pops in (time, seq) order whatever mix of heap, FIFO lane and register the pushes take', () => {
    // Each op: push an event `delay` after the current time (0: at it), or pop one. Small delays
    // and a few long fixed ones (like client timeouts) exercise both the heap and the lane; `solo`
    // pushes go to the register (or, while it is taken, as any push); `far` slots come from the
    // other pool, and a slot never serves both pools.
    const op = fc.oneof(
      fc.record({
        push: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(5000)),
        solo: fc.boolean(),
        far: fc.boolean(),
      }),
      fc.constant({ pop: true as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const q = new EventQueue(4); // small: the storage and the lane grow
        const model: { time: number; seq: number; slot: number }[] = [];
        let now = 0;
        let seq = 0;
        const near = new Set<number>();
        const far = new Set<number>();
        const check = (): void => {
          model.sort((a, b) => a.time - b.time || a.seq - b.seq);
          const want = model.shift()!;
          expect(q.peekTime()).toBe(want.time);
          const got = q.pop();
          expect(got).toBe(want.slot);
          now = q.time[got]!;
          q.release(got);
        };
        for (const o of ops) {
          if ('push' in o) {
            const slot = o.far ? q.allocFar(now + o.push, 0) : q.alloc(now + o.push, 0);
            expect(model.some((m) => m.slot === slot)).toBe(false);
            (o.far ? far : near).add(slot);
            expect((o.far ? near : far).has(slot)).toBe(false);
            model.push({ time: now + o.push, seq: seq++, slot });
            if (o.solo) q.pushSolo(slot);
            else q.push(slot);
          } else if (model.length > 0) check();
          expect(q.size).toBe(model.length);
        }
        while (model.length > 0) check();
        expect(q.pop()).toBe(-1);
        expect(q.peekTime()).toBe(Infinity);
      }),
      { numRuns: 200 },
    );
  });
});
