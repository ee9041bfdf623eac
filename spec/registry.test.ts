// Laws over every shipped spec and variant, so a spec added to the registry is covered at once:
// BFS and DFS agree on the verdict (and on the state count when everything holds), and every
// counterexample replays to a state that breaks the property it names.
import { describe, expect, test } from 'vitest';
import { check, replay } from '../model-check/index.js';
import { specs } from './index.js';

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
