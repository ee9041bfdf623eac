// The benchmark workloads: a name, the model, and the search options. Shared by the runner and
// the worker process that runs one workload cold, as a user's `synod check` would.

import type { CheckOptions } from '../model-check/index.js';
import type { AnyModel } from '../model-check/index.js';
import { adaptive, fpaxos, paxos, type QuorumMode } from '../spec/index.js';

export interface Workload {
  readonly name: string;
  readonly description: string;
  build(): AnyModel;
  readonly options: CheckOptions;
  /** The TLA+ module and config TLC runs for the same model, when there is one. */
  readonly tlc?: { readonly file: string; readonly config: string };
  /** TLC's published throughput on this model (distinct states/s, one worker), if known. */
  readonly tlcReference?: { readonly statesPerSecond: number; readonly source: string };
}

/** Routine decisions: all acceptors in phase 1, any one in phase 2; critical ones the other way round. */
const SWITCH_MENU: QuorumMode[] = [
  { name: 'routine', q1: [[0, 1, 2]], q2: [[0], [1], [2]] },
  { name: 'critical', q1: [[0], [1], [2]], q2: [[0, 1, 2]] },
];

export const workloads: readonly Workload[] = [
  {
    name: 'paxos-3-2-2-bfs',
    description: 'Paxos, 3 acceptors, 2 values, ballots 0..2, BFS (185,369 states)',
    build: () => paxos({ acceptors: 3, values: 2, maxBallot: 2 }),
    options: { strategy: 'bfs' },
    tlc: { file: 'tla/Paxos.tla', config: 'tla/Paxos.cfg' },
    tlcReference: {
      statesPerSecond: 7068,
      source: 'TLC 2.20, one worker, Agreement checked: 26.2 s (issue #2)',
    },
  },
  {
    name: 'paxos-3-2-2-dfs',
    description: 'Paxos, 3 acceptors, 2 values, ballots 0..2, DFS (185,369 states)',
    build: () => paxos({ acceptors: 3, values: 2, maxBallot: 2 }),
    options: { strategy: 'dfs' },
    tlcReference: { statesPerSecond: 7068, source: 'TLC 2.20, one worker, BFS (issue #2)' },
  },
  {
    name: 'paxos-3-2-1-bfs',
    description: 'Paxos, 3 acceptors, 2 values, ballots 0..1, BFS (3,921 states)',
    build: () => paxos({ acceptors: 3, values: 2, maxBallot: 1 }),
    options: { strategy: 'bfs' },
  },
  {
    name: 'paxos-ignore-promises-bfs',
    description: 'Paxos ignore-promises variant, 3/2/2, BFS to the first Agreement violation',
    build: () => paxos({ acceptors: 3, values: 2, maxBallot: 2, variant: 'ignore-promises' }),
    options: { strategy: 'bfs' },
  },
  {
    name: 'fpaxos-2-3-2-bfs',
    description:
      'Flexible Paxos, 2 acceptors, 3 values, ballots 0..2, Q1 = {a1}|{a2}, Q2 = {a1,a2}, BFS (36,953 states)',
    build: () => fpaxos({ acceptors: 2, values: 3, maxBallot: 2, q1: [[0], [1]], q2: [[0, 1]] }),
    options: { strategy: 'bfs' },
    tlc: { file: 'tla/AdaptiveQuorums.tla', config: 'tla/AdaptiveQuorums_fpaxos.cfg' },
  },
  {
    name: 'fpaxos-2-3-2-dfs',
    description: 'Flexible Paxos, 2 acceptors, 3 values, ballots 0..2, DFS (36,953 states)',
    build: () => fpaxos({ acceptors: 2, values: 3, maxBallot: 2, q1: [[0], [1]], q2: [[0, 1]] }),
    options: { strategy: 'dfs' },
  },
  {
    name: 'adaptive-switch-3-2-2-bfs',
    description:
      'adaptive quorums, routine/critical menu, correct switching rule, 3/2/2, BFS (71,505 states)',
    build: () => adaptive({ acceptors: 3, values: 2, maxBallot: 2, modes: SWITCH_MENU }),
    options: { strategy: 'bfs' },
    tlc: { file: 'tla/AdaptiveQuorums.tla', config: 'tla/AdaptiveQuorums_switch.cfg' },
  },
  {
    name: 'adaptive-own-pair-bfs',
    description: 'adaptive quorums, own-pair switching rule, 3/2/2, BFS to the first Agreement violation',
    build: () => adaptive({ acceptors: 3, values: 2, maxBallot: 2, modes: SWITCH_MENU, variant: 'own-pair' }),
    options: { strategy: 'bfs' },
  },
];
