// The benchmark workloads: a name, the model, and the search options. Shared by the runner and
// the worker process that runs one workload cold, as a user's `synod check` would.

import type { CheckOptions } from '../model-check/index.js';
import type { AnyModel } from '../model-check/index.js';
import { paxos } from '../spec/index.js';

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
];
