// Laws of the search over random small graphs, each checked against an independent breadth-first
// search written in the test helpers: BFS and DFS agree, BFS counterexamples are shortest, every
// path replays, results are deterministic, bounds and boundaries hold, errors are located.
import { describe, expect, test } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { check, type CheckOptions, type CheckResult, type CheckProgress } from './check.js';
import { always, sometimes, type Model } from './Model.js';
import { replay, sameState, type Path } from './replay.js';
import {
  distances,
  graphArb,
  graphModel,
  nodeOf,
  notBad,
  reachesTarget,
  shortestTo,
  successors,
  type Graph,
  type GState,
} from './__test-helpers__/graphs.js';

const strategies = ['bfs', 'dfs'] as const;

const count = (xs: readonly boolean[]): number => xs.filter(Boolean).length;
const reachableOf = (dist: readonly number[]): boolean[] => dist.map((d) => d >= 0);
const isDeadlockNode = (g: Graph, node: number): boolean => successors(g, node).length === 0;

/** The final state of a path. */
const last = <S, A>(p: Path<S, A>): S => p.steps[p.steps.length - 1]!.state;
const lastNode = (p: Path<GState, number>): number => nodeOf(last(p));

/** A path is a real walk over enabled edges, starting at an initial node, and replays to itself. */
function expectValidPath(g: Graph, model: Model<GState, number>, p: Path<GState, number>): void {
  expect(p.steps).toHaveLength(p.replay.length);
  expect(p.steps.map((s) => s.index)).toEqual(p.replay);
  expect(p.steps[0]!.action).toBeUndefined();
  expect(nodeOf(p.steps[0]!.state)).toBe(g.inits[p.replay[0]!]);
  for (let k = 1; k < p.steps.length; k++) {
    const from = nodeOf(p.steps[k - 1]!.state);
    const edge = g.edges[from]![p.replay[k]!]!;
    expect(edge.enabled).toBe(true);
    expect(p.steps[k]!.action).toBe(p.replay[k]);
    expect(nodeOf(p.steps[k]!.state)).toBe(edge.to);
  }
  const again = replay(model, p.replay);
  expect(again.ok).toBe(true);
  expect(sameState(last(again.path), last(p))).toBe(true);
}

/** The result without the wall-clock and memory figures, which vary between runs. */
function stable<S, A>(r: CheckResult<S, A>): unknown {
  const stats: Record<string, unknown> = { ...r.stats };
  delete stats.seconds;
  delete stats.statesPerSecond;
  delete stats.peakMemoryBytes;
  return { ...r, stats };
}

function run(
  g: Graph,
  options: CheckOptions<GState, number>,
  modelOptions: Parameters<typeof graphModel>[1] = {},
): CheckResult<GState, number> {
  return check(graphModel(g, modelOptions), options);
}

describe('BFS and DFS agree (a)', () => {
  fcTest.prop([graphArb()], { numRuns: 300 })(
    'on the verdict, and on the state count of a clean graph, against an independent search',
    (g) => {
      const dist = distances(g);
      const reach = reachableOf(dist);
      const badReachable = g.bad.some((b, i) => b && reach[i]);
      const enabledOut = reach.reduce((sum, r, i) => (r ? sum + successors(g, i).length : sum), 0);
      const eccentricity = Math.max(...dist);
      const results = strategies.map((strategy) => run(g, { strategy, deadlock: false }));
      for (const r of results) {
        expect(r.status).toBe(badReachable ? 'violation' : 'ok');
        if (r.status !== 'ok') continue;
        expect(r.complete).toBe(true);
        expect(r.stats.distinctStates).toBe(count(reach));
        // Every reachable state is expanded once; every initial state is generated once.
        expect(r.stats.generatedStates).toBe(g.inits.length + enabledOut);
        expect(r.stats.queueSize).toBe(0);
      }
      const [bfs, dfs] = results;
      if (bfs!.status === 'ok' && dfs!.status === 'ok') {
        expect(bfs!.stats.depth).toBe(eccentricity + 1);
        expect(dfs!.stats.depth).toBeGreaterThanOrEqual(bfs!.stats.depth);
        expect(dfs!.stats.depth).toBeLessThanOrEqual(count(reach));
      }
    },
  );

  fcTest.prop([graphArb()], { numRuns: 200 })('with deadlock detection on, both fail or both pass', (g) => {
    const reach = reachableOf(distances(g));
    const bad = g.bad.some((b, i) => b && reach[i]);
    const stuck = reach.some((r, i) => r && isDeadlockNode(g, i));
    const [bfs, dfs] = strategies.map((strategy) => run(g, { strategy }));
    expect(bfs!.ok).toBe(!bad && !stuck);
    expect(dfs!.ok).toBe(bfs!.ok);
  });

  fcTest.prop([graphArb({ badPercent: 0 })], { numRuns: 150 })(
    'each distinct state is checked exactly once, and only reachable states are',
    (g) => {
      const reach = reachableOf(distances(g));
      for (const strategy of strategies) {
        const checked: number[] = [];
        const r = run(
          g,
          { strategy, deadlock: false },
          {
            properties: () => [
              always('Record', (s) => {
                checked.push(nodeOf(s));
                return true;
              }),
            ],
          },
        );
        expect(r.status).toBe('ok');
        expect([...checked].sort((x, y) => x - y)).toEqual(reach.flatMap((r2, i) => (r2 ? [i] : [])));
      }
    },
  );
});

describe('counterexamples (b, c)', () => {
  fcTest.prop([graphArb({ badPercent: 15 })], { numRuns: 300 })(
    'BFS counterexamples are shortest; every counterexample replays to a bad state',
    (g) => {
      const dist = distances(g);
      const shortest = shortestTo(dist, (i) => g.bad[i] === true);
      for (const strategy of strategies) {
        const model = graphModel(g);
        const r = check(model, { strategy, deadlock: false });
        if (shortest < 0) {
          expect(r.status).toBe('ok');
          continue;
        }
        if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
        expect(r.property).toEqual({ name: 'NotBad', kind: 'always' });
        const cex = r.counterexample!;
        expectValidPath(g, model, cex);
        expect(g.bad[lastNode(cex)]).toBe(true);
        // Replaying the indices reaches a state that breaks the invariant.
        const again = replay(model, cex.replay);
        if (!again.ok) throw new Error(again.message);
        expect(model.properties[0]!.holds(last(again.path))).toBe(false);
        if (strategy === 'bfs') {
          expect(cex.replay.length - 1).toBe(shortest);
          // No earlier state on a BFS counterexample is bad.
          expect(cex.steps.slice(0, -1).some((s) => g.bad[nodeOf(s.state)])).toBe(false);
        } else {
          expect(cex.replay.length - 1).toBeGreaterThanOrEqual(shortest);
        }
      }
    },
  );
});

describe('determinism (d)', () => {
  fcTest.prop([graphArb({ badPercent: 5 }), fc.boolean()], { numRuns: 150 })(
    'the same model gives the same result, run twice or rebuilt',
    (g, deadlock) => {
      for (const strategy of strategies) {
        const model = graphModel(g, { properties: (x) => [notBad(x), reachesTarget(x)] });
        const first = check(model, { strategy, deadlock });
        const second = check(model, { strategy, deadlock });
        const rebuilt = check(graphModel(g, { properties: (x) => [notBad(x), reachesTarget(x)] }), {
          strategy,
          deadlock,
        });
        expect(stable(second)).toEqual(stable(first));
        expect(stable(rebuilt)).toEqual(stable(first));
      }
    },
  );
});

describe('deadlock (e)', () => {
  fcTest.prop([graphArb()], { numRuns: 300 })(
    'a reachable node without enabled out-edges is a deadlock, found by the shortest path under BFS',
    (g) => {
      const dist = distances(g);
      const shortest = shortestTo(dist, (i) => isDeadlockNode(g, i));
      for (const strategy of strategies) {
        const model = graphModel(g, { properties: () => [] });
        const r = check(model, { strategy });
        if (shortest < 0) {
          expect(r.status).toBe('ok');
        } else {
          if (r.status !== 'deadlock') throw new Error(`expected a deadlock, got ${r.status}`);
          expectValidPath(g, model, r.counterexample);
          expect(isDeadlockNode(g, lastNode(r.counterexample))).toBe(true);
          if (strategy === 'bfs') expect(r.counterexample.replay.length - 1).toBe(shortest);
        }
        const off = check(model, { strategy, deadlock: false });
        expect(off.status).toBe('ok');
        expect(off.stats.distinctStates).toBe(count(reachableOf(dist)));
      }
    },
  );

  test('a self-loop (stuttering step) is a successor, not a deadlock', () => {
    for (const repr of ['number', 'object', 'shared'] as const) {
      const g: Graph = {
        n: 2,
        edges: [[{ to: 1, enabled: true }], [{ to: 1, enabled: true }]],
        inits: [0],
        bad: [false, false],
        target: [false, false],
        inside: [true, true],
        repr,
      };
      for (const strategy of strategies) {
        const r = run(g, { strategy });
        expect(r.status).toBe('ok');
        expect(r.stats.distinctStates).toBe(2);
        expect(r.stats.generatedStates).toBe(3);
      }
    }
  });

  test('a node whose only action is disabled is a deadlock', () => {
    const g: Graph = {
      n: 2,
      edges: [[{ to: 1, enabled: true }], [{ to: 0, enabled: false }]],
      inits: [0],
      bad: [false, false],
      target: [false, false],
      inside: [true, true],
      repr: 'number',
    };
    for (const strategy of strategies) {
      const r = run(g, { strategy });
      expect(r.status).toBe('deadlock');
      if (r.status === 'deadlock') expect(r.counterexample.replay).toEqual([0, 0]);
    }
  });
});

describe('bounds (f)', () => {
  fcTest.prop([graphArb({ badPercent: 0 }), fc.integer({ min: 1, max: 35 })], { numRuns: 300 })(
    'maxStates caps the distinct states and marks the search incomplete',
    (g, maxStates) => {
      const reachable = count(reachableOf(distances(g)));
      for (const strategy of strategies) {
        const r = run(g, { strategy, maxStates, deadlock: false });
        if (r.status !== 'ok') throw new Error(`expected ok, got ${r.status}`);
        expect(r.stats.distinctStates).toBe(Math.min(reachable, maxStates));
        if (reachable > maxStates) expect(r.complete).toBe(false);
        if (reachable < maxStates) expect(r.complete).toBe(true);
      }
    },
  );

  fcTest.prop([graphArb({ badPercent: 10 }), fc.integer({ min: 1, max: 8 })], { numRuns: 300 })(
    'maxDepth caps the depth; BFS explores exactly the states within it',
    (g, maxDepth) => {
      const dist = distances(g);
      const within = dist.map((d) => d >= 0 && d + 1 <= maxDepth);
      const badWithin = g.bad.some((b, i) => b && within[i]);
      const cut = dist.some((d) => d + 1 >= maxDepth);
      const bfs = run(g, { strategy: 'bfs', maxDepth, deadlock: false });
      expect(bfs.stats.depth).toBeLessThanOrEqual(maxDepth);
      expect(bfs.status).toBe(badWithin ? 'violation' : 'ok');
      if (bfs.status === 'ok') {
        expect(bfs.stats.distinctStates).toBe(count(within));
        expect(bfs.complete).toBe(!cut);
      }
      const dfs = run(g, { strategy: 'dfs', maxDepth, deadlock: false });
      expect(dfs.stats.depth).toBeLessThanOrEqual(maxDepth);
      // A state DFS reaches within the bound is within it by its shortest path too, so BFS finds
      // every violation DFS finds; DFS may miss one BFS finds (first reached by a longer path).
      if (dfs.status === 'violation') expect(bfs.status).toBe('violation');
      if (dfs.status === 'ok') {
        expect(dfs.stats.distinctStates).toBeLessThanOrEqual(count(reachableOf(dist)));
        if (dfs.complete) {
          expect(badWithin).toBe(false);
          expect(bfs.status === 'ok' && bfs.complete).toBe(true);
          expect(dfs.stats.distinctStates).toBe(count(reachableOf(dist)));
        }
      }
    },
  );

  test('maxDepth 1 checks the initial states only', () => {
    const model: Model<number, 'inc'> = {
      init: () => [0, 10],
      actions: (_s, out) => void out.push('inc'),
      next: (s) => s + 1,
      properties: [always('small', (s) => s < 11)],
    };
    for (const strategy of strategies) {
      const r = check(model, { strategy, maxDepth: 1 });
      expect(r).toMatchObject({ status: 'ok', complete: false, stats: { distinctStates: 2, depth: 1 } });
      expect(check(model, { strategy, maxDepth: 2 }).status).toBe('violation');
    }
  });
});

describe('sometimes (g)', () => {
  fcTest.prop([graphArb({ badPercent: 0 })], { numRuns: 300 })(
    'a reachable target is witnessed with a path (shortest under BFS); an unreachable one is a violation',
    (g) => {
      const dist = distances(g);
      const shortest = shortestTo(dist, (i) => g.target[i] === true);
      for (const strategy of strategies) {
        const model = graphModel(g, { properties: (x) => [reachesTarget(x)] });
        const r = check(model, { strategy, deadlock: false });
        if (shortest < 0) {
          expect(r).toMatchObject({
            status: 'violation',
            property: { name: 'ReachesTarget', kind: 'sometimes' },
            counterexample: undefined,
          });
          expect(r.witnesses).toEqual([]);
          continue;
        }
        if (r.status !== 'ok') throw new Error(`expected ok, got ${r.status}`);
        expect(r.unwitnessed).toEqual([]);
        expect(r.witnesses).toHaveLength(1);
        const w = r.witnesses[0]!;
        expect(w.property).toBe('ReachesTarget');
        expectValidPath(g, model, w.path);
        expect(g.target[lastNode(w.path)]).toBe(true);
        if (strategy === 'bfs') expect(w.path.replay.length - 1).toBe(shortest);
      }
    },
  );

  fcTest.prop([graphArb({ badPercent: 0 }), fc.integer({ min: 1, max: 30 })], { numRuns: 200 })(
    'an unwitnessed sometimes is a violation only when the search is complete',
    (g, maxStates) => {
      const reach = reachableOf(distances(g));
      const reachable = count(reach);
      const noTarget = { ...g, target: g.target.map(() => false) };
      for (const strategy of strategies) {
        const r = run(
          noTarget,
          { strategy, maxStates, deadlock: false },
          { properties: (x) => [reachesTarget(x)] },
        );
        if (reachable < maxStates) expect(r.status).toBe('violation');
        if (reachable > maxStates) {
          expect(r).toMatchObject({ status: 'ok', complete: false, unwitnessed: ['ReachesTarget'] });
        }
      }
    },
  );

  test('a bounded search reports the sometimes it could not witness', () => {
    const line: Model<number, 'step'> = {
      init: () => [0],
      actions: (s, out) => void (s < 5 && out.push('step')),
      next: (s) => s + 1,
      properties: [sometimes('reaches 5', (s) => s === 5), sometimes('reaches 1', (s) => s === 1)],
    };
    for (const strategy of strategies) {
      const r = check(line, { strategy, maxDepth: 3, deadlock: false });
      expect(r).toMatchObject({ status: 'ok', complete: false, unwitnessed: ['reaches 5'] });
      expect(r.witnesses.map((w) => [w.property, w.path.replay])).toEqual([['reaches 1', [0, 0]]]);
      expect(check(line, { strategy, deadlock: false }).witnesses.map((w) => w.property)).toEqual([
        'reaches 1',
        'reaches 5',
      ]);
    }
  });
});

describe('model errors (h)', () => {
  /** A line 0 -> 1 -> 2 -> 3 -> 4, where `poison` makes one function throw at node 2. */
  const boom = new Error('boom');
  const line = (poison: 'actions' | 'next' | 'property' | 'sometimes' | 'boundary' | 'fingerprint') =>
    ({
      init: () => [0],
      actions: (s, out) => {
        if (poison === 'actions' && s === 2) throw boom;
        if (s < 4) out.push('step');
      },
      next: (s) => {
        if (poison === 'next' && s === 2) throw boom;
        if (poison === 'fingerprint' && s === 2) return (() => 3) as unknown as number;
        return s + 1;
      },
      properties: [
        always('P', (s) => {
          if (poison === 'property' && s === 2) throw boom;
          return true;
        }),
        sometimes('Q', (s) => {
          if (poison === 'sometimes' && s === 2) throw boom;
          return false;
        }),
      ],
      boundary: (s: number) => {
        if (poison === 'boundary' && s === 2) throw boom;
        return true;
      },
    }) satisfies Model<number, 'step'>;

  test.each(strategies)('init throws (%s)', (strategy) => {
    const r = check<number, string>(
      {
        init: () => {
          throw boom;
        },
        actions: () => {},
        next: () => undefined,
        properties: [],
      },
      { strategy },
    );
    expect(r).toMatchObject({ status: 'error', ok: false, phase: 'init' });
    if (r.status !== 'error') return;
    expect(r.error).toBe(boom);
    expect(r.at).toBeUndefined();
  });

  test.each([
    ['actions', 'actions', [0, 0, 0], undefined, undefined],
    ['next', 'next', [0, 0, 0], 'step', undefined],
    ['property', 'property', [0, 0, 0], undefined, 'P'],
    ['sometimes', 'property', [0, 0, 0], undefined, 'Q'],
    ['boundary', 'boundary', [0, 0], 'step', undefined],
  ] as const)('%s throws: phase %s, at %j, action %s, property %s', (poison, phase, at, action, property) => {
    for (const strategy of strategies) {
      const r = check(line(poison), { strategy });
      if (r.status !== 'error') throw new Error(`expected an error, got ${r.status}`);
      expect(r.phase).toBe(phase);
      expect(r.error).toBe(boom);
      expect(r.at?.replay).toEqual(at);
      expect(r.at?.steps.map((s) => s.state)).toEqual(at.map((_, i) => i));
      expect(r.action).toBe(action);
      expect(r.property).toBe(property);
    }
  });

  test('a state that cannot be fingerprinted is a fingerprint error', () => {
    for (const strategy of strategies) {
      const r = check(line('fingerprint'), { strategy });
      if (r.status !== 'error') throw new Error(`expected an error, got ${r.status}`);
      expect(r.phase).toBe('fingerprint');
      expect(r.error).toBeInstanceOf(TypeError);
      expect(r.action).toBe('step');
      expect(r.at?.replay).toEqual([0, 0, 0]);
    }
  });

  test('a property throwing on an initial state is located there', () => {
    const model: Model<number, 'x'> = {
      init: () => [7, 8],
      actions: () => {},
      next: () => undefined,
      properties: [
        always('P', (s) => {
          if (s === 8) throw boom;
          return true;
        }),
      ],
    };
    for (const strategy of strategies) {
      const r = check(model, { strategy });
      expect(r).toMatchObject({ status: 'error', phase: 'property', property: 'P', error: boom });
      if (r.status === 'error') expect(r.at?.replay).toEqual([1]);
    }
  });

  fcTest.prop([graphArb({ badPercent: 0 }), fc.nat(29), fc.constantFrom('actions', 'property')], {
    numRuns: 200,
  })('a poisoned reachable node errors at that node (by a shortest path under BFS)', (g, p, phase) => {
    const poison = p % g.n;
    const dist = distances(g);
    for (const strategy of strategies) {
      const model = graphModel(g, {
        properties: () => [
          always('P', (s) => {
            if (phase === 'property' && nodeOf(s) === poison) throw boom;
            return true;
          }),
        ],
      });
      const inner = model.actions.bind(model);
      model.actions = (s, out) => {
        if (phase === 'actions' && nodeOf(s) === poison) throw boom;
        inner(s, out);
      };
      const r = check(model, { strategy, deadlock: false });
      if (dist[poison]! < 0) {
        expect(r.status).toBe('ok');
        continue;
      }
      if (r.status !== 'error') throw new Error(`expected an error, got ${r.status}`);
      expect(r).toMatchObject({ phase, error: boom });
      expect(r.property).toBe(phase === 'property' ? 'P' : undefined);
      expectValidPath(g, model, r.at!);
      expect(lastNode(r.at!)).toBe(poison);
      if (strategy === 'bfs') expect(r.at!.replay.length - 1).toBe(dist[poison]);
    }
  });
});

describe('boundary (i)', () => {
  fcTest.prop([graphArb({ badPercent: 15 })], { numRuns: 300 })(
    'states outside the boundary are neither counted, checked nor expanded',
    (g) => {
      const dist = distances(g, g.inside);
      const within = reachableOf(dist);
      const badWithin = g.bad.some((b, i) => b && within[i]);
      const enabledOut = within.reduce((sum, r, i) => (r ? sum + successors(g, i).length : sum), 0);
      for (const strategy of strategies) {
        const expanded: number[] = [];
        const model = graphModel(g, { boundary: true });
        const inner = model.actions.bind(model);
        model.actions = (s, out) => {
          expanded.push(nodeOf(s));
          inner(s, out);
        };
        const r = check(model, { strategy, deadlock: false });
        expect(expanded.every((node) => g.inside[node])).toBe(true);
        expect(r.status).toBe(badWithin ? 'violation' : 'ok');
        if (r.status === 'violation') {
          const cex = r.counterexample!;
          expect(cex.steps.every((s) => g.inside[nodeOf(s.state)])).toBe(true);
          if (strategy === 'bfs')
            expect(cex.replay.length - 1).toBe(shortestTo(dist, (i) => g.bad[i] === true));
        }
        if (r.status === 'ok') {
          expect(r.stats.distinctStates).toBe(count(within));
          expect(new Set(expanded).size).toBe(count(within));
          expect(expanded).toHaveLength(count(within));
          expect(r.stats.generatedStates).toBe(g.inits.length + enabledOut);
        }
      }
    },
  );
});

describe('hooks (j)', () => {
  /** A grid of (x, y) with 0 <= x, y < side: about side^2 states, 1 or 2 successors each. */
  const grid = (side: number): Model<readonly [number, number], 'x' | 'y'> => ({
    init: () => [[0, 0]],
    actions: ([x, y], out) => {
      if (x + 1 < side) out.push('x');
      if (y + 1 < side) out.push('y');
      if (x + 1 === side && y + 1 === side) out.push('x');
    },
    next: ([x, y], a) => (a === 'x' ? [(x + 1) % side, y] : [x, y + 1]),
    properties: [],
  });

  const monotone = (calls: CheckProgress[], key: keyof CheckProgress): boolean =>
    calls.every((c, i) => i === 0 || c[key] >= calls[i - 1]![key]);

  test.each(strategies)('progress is called with monotone counters (%s)', (strategy) => {
    const calls: CheckProgress[] = [];
    const r = check(grid(120), {
      strategy,
      progressIntervalMs: 0,
      hooks: { progress: (p) => calls.push(p) },
    });
    expect(r.status).toBe('ok');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const key of ['distinctStates', 'generatedStates', 'depth', 'seconds'] as const) {
      expect(monotone(calls, key), key).toBe(true);
    }
    const lastCall = calls[calls.length - 1]!;
    expect(lastCall.distinctStates).toBeLessThanOrEqual(r.stats.distinctStates);
    expect(lastCall.generatedStates).toBeLessThanOrEqual(r.stats.generatedStates);
    expect(calls.every((c) => c.distinctStates <= c.generatedStates)).toBe(true);
  });

  // Regression: progress was once paced by `generated & 1023`, which an even branching factor
  // never hits.
  test('BFS reports progress when every state has two successors', () => {
    let calls = 0;
    const tree: Model<number, 0 | 1> = {
      init: () => [0],
      actions: (_s, out) => void out.push(0, 1),
      next: (s, a) => 2 * s + 1 + a,
      properties: [],
    };
    const r = check(tree, { maxStates: 50_000, progressIntervalMs: 0, hooks: { progress: () => calls++ } });
    expect(r.stats.distinctStates).toBe(50_000);
    expect(calls).toBeGreaterThan(0);
  });

  fcTest.prop([graphArb({ badPercent: 10 }), fc.boolean()], { numRuns: 200 })(
    'done gets the returned object; discovery reports each violation and witness once, in order',
    (g, deadlock) => {
      for (const strategy of strategies) {
        let done: unknown;
        const events: { property: string; kind: string; found: string }[] = [];
        const r = run(
          g,
          { strategy, deadlock, hooks: { done: (x) => (done = x), discovery: (d) => events.push(d) } },
          { properties: (x) => [notBad(x), reachesTarget(x)] },
        );
        expect(done).toBe(r);
        const expected = r.witnesses.map((w) => ({
          property: w.property,
          kind: 'sometimes',
          found: 'witness',
        }));
        if (r.status === 'violation') {
          expected.push({ property: r.property.name, kind: r.property.kind, found: 'violation' });
        }
        if (r.status === 'deadlock')
          expected.push({ property: 'deadlock', kind: 'deadlock', found: 'violation' });
        expect(events).toEqual(expected);
      }
    },
  );

  test('done is called for an error result too', () => {
    let done: unknown;
    const r = check<number, string>(
      {
        init: () => {
          throw new Error('x');
        },
        actions: () => {},
        next: () => undefined,
        properties: [],
      },
      { hooks: { done: (x) => (done = x) } },
    );
    expect(r.status).toBe('error');
    expect(done).toBe(r);
  });
});

describe('options (k)', () => {
  const untouched: Model<number, string> = {
    init: () => {
      throw new Error('the model must not be run when the options are invalid');
    },
    actions: () => {},
    next: () => undefined,
    properties: [],
  };

  test.each([
    ['maxDepth', { maxDepth: 0 }],
    ['maxDepth', { maxDepth: -1 }],
    ['maxDepth', { maxDepth: 1.5 }],
    ['maxDepth', { maxDepth: Number.NaN }],
    ['maxStates', { maxStates: 0 }],
    ['maxStates', { maxStates: 2.5 }],
    ['strategy', { strategy: 'xyz' as 'bfs' }],
  ] as const)('%s in %j throws a RangeError naming it', (name, options) => {
    expect(() => check(untouched, options)).toThrow(RangeError);
    expect(() => check(untouched, options)).toThrow(new RegExp(`\\b${name}\\b.*must be`));
  });
});
