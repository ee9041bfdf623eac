// Random directed graphs as Models, and an independent breadth-first search over them, for the
// laws of the checker (check.test.ts). Nothing here uses the engine's own search or stores.
import { fc } from '@fast-check/vitest';
import { always, sometimes, type Model, type Property } from '../Model.js';

/** An out-edge; a disabled edge is enumerated as an action but `next` returns undefined for it. */
export interface Edge {
  to: number;
  enabled: boolean;
}

/**
 * How states are represented: the node number; a fresh `{ node }` object per step; or one shared
 * `{ node }` object per node (so a self-loop returns the very same object: a stuttering step).
 */
export type Repr = 'number' | 'object' | 'shared';

export interface Graph {
  n: number;
  edges: Edge[][];
  inits: number[];
  /** Nodes that break the invariant. */
  bad: boolean[];
  /** Nodes that witness the `sometimes` property. */
  target: boolean[];
  /** Nodes inside the boundary. */
  inside: boolean[];
  repr: Repr;
}

const weighted = (percentTrue: number): fc.Arbitrary<boolean> =>
  fc.noBias(fc.integer({ min: 0, max: 99 })).map((x) => x < percentTrue);

/** Random graphs of 1..maxNodes nodes, up to 4 out-edges each, 1..3 initial nodes. */
export function graphArb(
  opts: { maxNodes?: number; badPercent?: number; disabledPercent?: number } = {},
): fc.Arbitrary<Graph> {
  const { maxNodes = 30, badPercent = 8, disabledPercent = 10 } = opts;
  return fc.integer({ min: 1, max: maxNodes }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.array(fc.record({ to: fc.nat(n - 1), enabled: weighted(100 - disabledPercent) }), {
          maxLength: 4,
        }),
        { minLength: n, maxLength: n },
      ),
      inits: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
      bad: fc.array(weighted(badPercent), { minLength: n, maxLength: n }),
      target: fc.array(weighted(10), { minLength: n, maxLength: n }),
      inside: fc.array(weighted(80), { minLength: n, maxLength: n }),
      repr: fc.constantFrom<Repr>('number', 'object', 'shared'),
    }),
  );
}

export type GState = number | { readonly node: number };

export const nodeOf = (s: GState): number => (typeof s === 'number' ? s : s.node);

export interface GraphModelOptions {
  /** Properties; default: the invariant `NotBad`. */
  properties?: (g: Graph) => Property<GState>[];
  /** Use `g.inside` as the boundary. */
  boundary?: boolean;
}

export const notBad = (g: Graph): Property<GState> => always('NotBad', (s) => !g.bad[nodeOf(s)]);
export const reachesTarget = (g: Graph): Property<GState> =>
  sometimes('ReachesTarget', (s) => g.target[nodeOf(s)] === true);

/** The graph as a Model: actions are the out-edge indices, in order. */
export function graphModel(g: Graph, opts: GraphModelOptions = {}): Model<GState, number> {
  const shared = Array.from({ length: g.n }, (_, node) => ({ node }));
  const mk = (node: number): GState =>
    g.repr === 'number' ? node : g.repr === 'shared' ? shared[node]! : { node };
  const model: Model<GState, number> = {
    name: 'graph',
    init: () => g.inits.map(mk),
    actions(s, out) {
      const es = g.edges[nodeOf(s)]!;
      for (let k = 0; k < es.length; k++) out.push(k);
    },
    next(s, k) {
      const e = g.edges[nodeOf(s)]![k]!;
      return e.enabled ? mk(e.to) : undefined;
    },
    properties: (opts.properties ?? ((x: Graph) => [notBad(x)]))(g),
    formatAction: (k) => `edge${k}`,
  };
  if (opts.boundary === true) model.boundary = (s) => g.inside[nodeOf(s)] === true;
  return model;
}

/** Enabled successors of a node (duplicates kept, in edge order). */
export const successors = (g: Graph, node: number): number[] =>
  g.edges[node]!.filter((e) => e.enabled).map((e) => e.to);

/**
 * Shortest distances (in steps) from the initial nodes over enabled edges, -1 when unreachable.
 * With `inside`, only nodes inside are entered (or started from).
 */
export function distances(g: Graph, inside?: readonly boolean[]): number[] {
  const dist = new Array<number>(g.n).fill(-1);
  const queue: number[] = [];
  for (const i of g.inits) {
    if (inside !== undefined && !inside[i]) continue;
    if (dist[i] === -1) {
      dist[i] = 0;
      queue.push(i);
    }
  }
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h]!;
    for (const v of successors(g, u)) {
      if (inside !== undefined && !inside[v]) continue;
      if (dist[v] === -1) {
        dist[v] = dist[u]! + 1;
        queue.push(v);
      }
    }
  }
  return dist;
}

/** The shortest distance to a node satisfying `pred`, or -1. */
export function shortestTo(dist: readonly number[], pred: (node: number) => boolean): number {
  let best = -1;
  dist.forEach((d, node) => {
    if (d >= 0 && pred(node) && (best < 0 || d < best)) best = d;
  });
  return best;
}
