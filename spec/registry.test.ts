// Laws over every shipped spec and variant, so a spec added to the registry is covered at once:
// BFS and DFS agree on the verdict (and on the state count when everything holds), and every
// counterexample replays to a state that breaks the property it names.
import { describe, expect, test } from 'vitest';
import { check, replay } from '../model-check/index.js';
import { findSpec, specs } from './index.js';

for (const spec of specs) {
  describe(spec.name, () => {
    // Small instances: every constant at its minimum, and at its default.
    const small = Object.fromEntries(spec.constants.map((c) => [c.name, Math.max(c.min, 1)]));
    const defaults = Object.fromEntries(spec.constants.map((c) => [c.name, c.default]));
    for (const [label, constants] of [
      ['minimal', small],
      ['default', defaults],
    ] as const) {
      for (const variant of spec.variants) {
        test(`${label} constants, ${variant.name}: BFS and DFS agree`, () => {
          const bfs = check(spec.build(constants, variant.name), { strategy: 'bfs' });
          const dfs = check(spec.build(constants, variant.name), { strategy: 'dfs' });
          expect(dfs.status).toBe(bfs.status);
          if (bfs.status === 'ok') expect(dfs.stats.distinctStates).toBe(bfs.stats.distinctStates);
          for (const r of [bfs, dfs]) {
            if (r.status !== 'violation' || r.counterexample === undefined) continue;
            const model = spec.build(constants, variant.name);
            const again = replay(model, r.counterexample.replay);
            expect(again.ok).toBe(true);
            if (!again.ok) continue;
            const last = again.path.steps[again.path.steps.length - 1]!.state as unknown;
            const property = model.properties.find((p) => p.name === r.property.name)!;
            expect(property.holds(last)).toBe(false);
          }
        });
      }
    }
  });
}

test('every spec has a correct variant first and at least one constant', () => {
  for (const spec of specs) {
    expect(spec.variants[0]?.name).toBe('correct');
    expect(spec.constants.length).toBeGreaterThan(0);
    for (const c of spec.constants) expect(c.min <= c.default && c.default <= c.max).toBe(true);
  }
});

test('text constants have flags of their own, and the flags of a spec are distinct', () => {
  for (const spec of specs) {
    const flags = [...spec.constants, ...(spec.textConstants ?? [])].map((c) => c.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const flag of flags) expect(flag).toMatch(/^--[a-z][a-z0-9-]*$/);
  }
});

describe('adaptive: quorum systems given as text', () => {
  const spec = findSpec('adaptive')!;
  const numbers = { acceptors: 2, values: 3, maxBallot: 2 };

  test('--q1/--q2 in the quorum notation build the Flexible Paxos instance (36,953 states)', () => {
    const r = check(spec.build(numbers, 'correct', { q1: 'a1|a2', q2: 'a1,a2' }));
    expect([r.status, r.stats.distinctStates, r.stats.depth]).toEqual(['ok', 36_953, 19]);
  });

  test('with no text constants it is Paxos over majorities (3,921 states on 3/2/1)', () => {
    const r = check(spec.build({ acceptors: 3, values: 2, maxBallot: 1 }, 'correct'));
    expect([r.status, r.stats.distinctStates]).toEqual(['ok', 3_921]);
  });

  test('--modes builds a menu; own-pair on it is refuted', () => {
    const constants = { acceptors: 3, values: 2, maxBallot: 1 };
    const modes = 'routine=all/1;critical=1/all';
    expect(check(spec.build(constants, 'correct', { modes })).status).toBe('ok');
    const r = check(spec.build(constants, 'own-pair', { modes }));
    expect(r.status === 'violation' && r.property.name).toBe('Agreement');
  });

  test.each([
    [{ q1: 'a1|a3' }, '--q1: "a1|a3": a3 is not an acceptor (acceptors: a1, a2)'],
    [{ q2: 'any:3' }, '--q2: any:3 needs at least 3 acceptors, there are 2'],
    [{ modes: 'x=all/all', q1: 'all' }, 'give either --modes or --q1/--q2, not both'],
    [{ modes: 'x=all' }, '--modes: mode x: expected Q1/Q2'],
    [{ q1: 'a1', q2: 'a2' }, 'mode fpaxos is not a Flexible Paxos system: Q1 {a1} and Q2 {a2} do not meet'],
  ])('%j is a RangeError naming the flag: %s', (text, message) => {
    expect(() => spec.build(numbers, 'correct', text)).toThrow(RangeError);
    expect(() => spec.build(numbers, 'correct', text)).toThrow(message);
  });
});
