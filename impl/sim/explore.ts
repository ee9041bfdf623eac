// Swarm exploration with shrinking: run many seeds, each with a random fault schedule drawn by
// fast-check arbitraries (crashes/restarts, partitions, pauses, loss bursts); when a run breaks
// safety (or a handler throws), fast-check shrinks the schedule to a minimal one that still fails.

import fc from 'fast-check';
import type { NodeId } from '../Node.js';
import type { Fault, Scenario } from './scenario.js';
import { nodeNames, simulate, type SimulationOptions, type SimulationResult } from './Simulator.js';

/** Fault kinds exploration draws from. */
export type ExploreFaultKind = 'crash' | 'partition' | 'pause' | 'loss';

/** Options of {@link explore}: a simulation without seed or scenario, plus the search bounds. */
export interface ExploreOptions<
  S = unknown,
  M = unknown,
  Req = unknown,
  Rep = unknown,
  P = Record<string, unknown>,
> extends Omit<SimulationOptions<S, M, Req, Rep, P>, 'seed' | 'scenario' | 'trace' | 'hooks'> {
  /** Number of random runs (each with its own simulator seed and fault schedule). */
  runs: number;
  /** Seed of the exploration (fast-check's seed): the same seed draws the same runs. */
  seed: number;
  /** At most this many faults per run (default 6). */
  maxFaults?: number;
  /** Faults start within [0, faultWindow) virtual ms (default: half the duration). */
  faultWindow?: number;
  /** Longest fault, virtual ms (default: a quarter of the fault window). */
  maxFaultLength?: number;
  /** Kinds of faults drawn (default: all). */
  kinds?: readonly ExploreFaultKind[];
  hooks?: {
    /** After each run of the search (not of the shrinking). */
    run?(info: { run: number; runs: number; status: SimulationResult['status'] }): void;
    /** After each shrinking step that still fails. */
    shrink?(info: { shrinks: number; faults: number }): void;
  };
}

/** A failing run, shrunk. */
export interface ExploreFailure {
  /** Simulator seed of the failing run (replay it with this seed and `scenario`). */
  seed: number;
  /** The shrunk fault schedule. */
  scenario: Scenario;
  /** The schedule as first drawn, before shrinking. */
  original: Scenario;
  /** Shrinking steps that kept the failure. */
  shrinks: number;
  /** The replay of `seed` + `scenario`. */
  result: SimulationResult;
}

/** What {@link explore} returns. */
export interface ExploreResult {
  status: 'ok' | 'safety-violation' | 'error';
  /** Runs made by the search (the failing one included). */
  runs: number;
  seed: number;
  failure: ExploreFailure | undefined;
  wallSeconds: number;
}

/** The fast-check arbitrary of fault schedules over `nodes` (sorted by start time). */
export function faultScheduleArbitrary(
  nodes: readonly NodeId[],
  options: { maxFaults: number; window: number; maxLength: number; kinds: readonly ExploreFaultKind[] },
): fc.Arbitrary<Fault[]> {
  const at = fc.integer({ min: 0, max: Math.max(0, Math.floor(options.window) - 1) });
  const len = fc.integer({ min: 0, max: Math.max(0, Math.floor(options.maxLength)) });
  const node = fc.constantFrom(...nodes);
  const make: Record<ExploreFaultKind, fc.Arbitrary<Fault>> = {
    crash: fc
      .record({ at, len, node })
      .map(({ at, len, node }): Fault => ({ kind: 'crash', at, node, end: at + len })),
    pause: fc
      .record({ at, len, node })
      .map(({ at, len, node }): Fault => ({ kind: 'pause', at, node, end: at + len })),
    loss: fc
      .record({ at, len, rate: fc.integer({ min: 1, max: 10 }) })
      .map(({ at, len, rate }): Fault => ({ kind: 'loss', at, rate: rate / 10, end: at + len })),
    partition: fc
      .record({ at, len, side: fc.array(fc.boolean(), { minLength: nodes.length, maxLength: nodes.length }) })
      .map(({ at, len, side }): Fault => {
        const a = nodes.filter((_, i) => side[i] === true);
        const b = nodes.filter((_, i) => side[i] !== true);
        return { kind: 'partition', at, groups: [a, b].filter((g) => g.length > 0), end: at + len };
      }),
  };
  const fault = fc.oneof(...options.kinds.map((k) => make[k]));
  return fc.array(fault, { maxLength: options.maxFaults }).map((fs) => [...fs].sort((x, y) => x.at - y.at));
}

/** Run `runs` random seeds and fault schedules; shrink the first failure to a minimal schedule. */
export function explore<S, M, Req, Rep, P>(options: ExploreOptions<S, M, Req, Rep, P>): ExploreResult {
  const started = performance.now();
  const {
    runs,
    seed,
    maxFaults = 6,
    hooks,
    kinds = ['crash', 'partition', 'pause', 'loss'],
    faultWindow,
    maxFaultLength,
    ...simOptions
  } = options;
  const sim = simOptions;
  if (!Number.isInteger(runs) || runs < 1)
    throw new RangeError(`explore: runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`explore: seed must be a safe integer, got ${seed}`);
  const window = faultWindow ?? sim.duration / 2;
  const maxLength = maxFaultLength ?? window / 4;
  const names = nodeNames(sim.nodes);
  const schedules = faultScheduleArbitrary(names, { maxFaults, window, maxLength, kinds });
  let searchRuns = 0;
  let shrinks = 0;
  let first: { seed: number; faults: Fault[] } | undefined;
  const property = fc.property(
    fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })),
    schedules,
    (simSeed, faults) => {
      const r = simulate({ ...simOptions, nodes: names, seed: simSeed, scenario: { faults } });
      const failed = r.status !== 'ok';
      if (first === undefined) {
        searchRuns++;
        hooks?.run?.({ run: searchRuns, runs, status: r.status });
        if (failed) first = { seed: simSeed, faults };
      } else if (failed) {
        shrinks++;
        hooks?.shrink?.({ shrinks, faults: faults.length });
      }
      return !failed;
    },
  );
  const details = fc.check(property, { seed, numRuns: runs });
  if (!details.failed || details.counterexample === null) {
    return {
      status: 'ok',
      runs: searchRuns,
      seed,
      failure: undefined,
      wallSeconds: (performance.now() - started) / 1000,
    };
  }
  const [simSeed, faults] = details.counterexample;
  const scenario: Scenario = { faults };
  const result = simulate({ ...simOptions, nodes: names, seed: simSeed, scenario });
  return {
    status: result.status === 'ok' ? 'error' : result.status,
    runs: searchRuns,
    seed,
    failure: {
      seed: simSeed,
      scenario,
      original: { faults: first?.faults ?? faults },
      shrinks: details.numShrinks,
      result,
    },
    wallSeconds: (performance.now() - started) / 1000,
  };
}
