import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KvCommand } from './kv.js';
import { OpQueue } from './OpQueue.js';

const cmd = (op: number): KvCommand => ({ f: 'read', key: 'k', op, client: 0 });

describe('OpQueue', () => {
  it('every version answers has() as a list of its commands would, whatever ops and forks', () => {
    // Ops near each other (the dense index), far apart, negative, fractional (its Map), repeated.
    const op = fc.oneof(
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: -5, max: 20_000 }),
      fc.constantFrom(0.5, -0, 2 ** 31, 2 ** 40, -(2 ** 31)),
    );
    const step = fc.oneof(
      fc.record({ push: op, from: fc.nat() }),
      fc.record({ drop: fc.integer({ min: 0, max: 3 }), from: fc.nat() }),
      fc.record({ of: fc.uniqueArray(op, { maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.array(op, { maxLength: 30 }), (steps, probes) => {
        const versions: { q: OpQueue; ops: number[] }[] = [{ q: OpQueue.empty(), ops: [] }];
        for (const st of steps) {
          if ('of' in st) versions.push({ q: OpQueue.of(st.of.map(cmd)), ops: [...st.of] });
          else {
            const v = versions[st.from % versions.length]!;
            if ('push' in st) {
              if (v.ops.includes(st.push)) continue; // the caller never pushes a queued op
              versions.push({ q: v.q.push(cmd(st.push)), ops: [...v.ops, st.push] });
            } else versions.push({ q: v.q.drop(st.drop), ops: v.ops.slice(st.drop) });
          }
        }
        for (const v of versions) {
          expect(v.q.length).toBe(v.ops.length);
          expect(v.q.toArray().map((c) => c.op)).toEqual(v.ops);
          for (const o of [...probes, ...v.ops]) expect(v.q.has(o)).toBe(v.ops.includes(o));
        }
      }),
      { numRuns: 300 },
    );
  });
});
