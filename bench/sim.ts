// `npm run bench` (simulator part): simulated Multi-Paxos events per wall second, tracing to
// /dev/null and not tracing, and decisions per virtual second at 5 nodes with batching.

import type { NodeBehavior } from '../impl/Node.js';
import { parseProtocolParams, protocols } from '../impl/protocols.js';
import { simulate, type SimulationOptions } from '../impl/sim/index.js';
import { TraceWriter } from '../traces/index.js';

/** One simulator bench row. */
export interface SimRow {
  workload: string;
  description: string;
  events: number;
  decisions: number;
  clientOk: number;
  medianWallSeconds: number;
  eventsPerWallSecond: number;
  decisionsPerVirtualSecond: number;
  opsPerVirtualSecond: number;
}

interface SimWorkload {
  name: string;
  description: string;
  trace: boolean;
  options: Omit<SimulationOptions, 'trace'>;
}

function params(pairs: string[]): Record<string, unknown> {
  const p = parseProtocolParams('multipaxos', pairs, 5);
  if (!p.ok) throw new Error(p.message);
  return { ...p.params };
}

// A protocol that costs nothing per message, to measure the simulator core and the trace writer:
// every node keeps 16 messages bouncing (ping -> pong -> ping ...) and decides a slot every 8 bounces.
type Echo = { id: string; n: number };
type EchoMsg = { type: 'ping' | 'pong'; k: number };
const ECHO_EFFECTS = { empty: [] as never[] };
const echo: NodeBehavior<Echo, EchoMsg> = {
  protocol: 'x-echo',
  init: (c) => ({
    state: { id: c.id, n: 0 },
    effects: Array.from({ length: 16 }, (_, k) => ({
      kind: 'send' as const,
      to: c.nodes[(c.nodes.indexOf(c.id) + 1 + (k % (c.nodes.length - 1))) % c.nodes.length]!,
      msg: { type: 'ping' as const, k },
    })),
  }),
  onMessage: (s, from, m) => {
    const n = s.n + 1;
    const reply = {
      kind: 'send' as const,
      to: from,
      msg: { type: m.type === 'ping' ? ('pong' as const) : ('ping' as const), k: m.k },
    };
    return {
      state: { id: s.id, n },
      effects:
        (n & 7) === 0 ? [reply, { kind: 'decide' as const, slot: n, value: s.id === 'n1' ? n : n }] : [reply],
    };
  },
  onTimer: (s) => ({ state: s, effects: ECHO_EFFECTS.empty }),
  onRequest: (s) => ({ state: s, effects: ECHO_EFFECTS.empty }),
};

const load = { rate: 5000, clients: 500, keys: 100, timeout: 5000 };
const simWorkloads: SimWorkload[] = [
  {
    name: 'sim-core-echo-trace-devnull',
    description:
      'simulator core: 5 nodes bouncing 80 messages (a protocol that costs nothing), 60s virtual, trace to /dev/null',
    trace: true,
    options: { behavior: echo, nodes: 5, params: {}, seed: 1, duration: 60_000, workload: false },
  },
  {
    name: 'sim-core-echo-no-trace',
    description: 'the same without a trace',
    trace: false,
    options: { behavior: echo, nodes: 5, params: {}, seed: 1, duration: 60_000, workload: false },
  },
  {
    name: 'sim-multipaxos-trace-devnull',
    description: 'Multi-Paxos, 5 nodes, 20s virtual, 5,000 ops/s offered by 500 clients, trace to /dev/null',
    trace: true,
    options: {
      behavior: protocols.multipaxos.behavior,
      nodes: 5,
      params: params([]),
      seed: 1,
      duration: 20_000,
      workload: load,
    },
  },
  {
    name: 'sim-multipaxos-no-trace',
    description: 'the same run without a trace (the simulator core and the protocol)',
    trace: false,
    options: {
      behavior: protocols.multipaxos.behavior,
      nodes: 5,
      params: params([]),
      seed: 1,
      duration: 20_000,
      workload: load,
    },
  },
  {
    name: 'sim-multipaxos-batch64',
    description:
      'Multi-Paxos, 5 nodes, batchSize=64, 20s virtual, 5,000 ops/s offered: decisions per virtual second',
    trace: false,
    options: {
      behavior: protocols.multipaxos.behavior,
      nodes: 5,
      params: params(['batchSize=64']),
      seed: 1,
      duration: 20_000,
      workload: load,
    },
  },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Run the simulator workloads (in this process, after a warm-up run each) and print them. */
export async function runSimBench(options: {
  runs: number;
  json: boolean;
  only?: string;
}): Promise<SimRow[]> {
  const rows: SimRow[] = [];
  for (const w of simWorkloads) {
    if (options.only !== undefined && !w.name.includes(options.only)) continue;
    const walls: number[] = [];
    let last: ReturnType<typeof simulate> | undefined;
    for (let i = 0; i <= options.runs; i++) {
      const writer = w.trace ? new TraceWriter('/dev/null') : undefined;
      const r = simulate({ ...w.options, ...(writer === undefined ? {} : { trace: writer }) });
      await writer?.close();
      if (i > 0) walls.push(r.stats.wallSeconds); // run 0 warms the JIT up
      last = r;
    }
    const r = last!;
    const wall = median(walls);
    const row: SimRow = {
      workload: w.name,
      description: w.description,
      events: r.stats.events,
      decisions: r.stats.decisions,
      clientOk: r.stats.clientOps.ok,
      medianWallSeconds: wall,
      eventsPerWallSecond: r.stats.events / wall,
      decisionsPerVirtualSecond: r.stats.decisions / r.stats.virtualSeconds,
      opsPerVirtualSecond: r.stats.clientOps.ok / r.stats.virtualSeconds,
    };
    rows.push(row);
    if (!options.json) {
      console.log(`\n${w.description}`);
      console.log(
        `  ${r.status}: ${fmt(row.events)} events in ${wall.toFixed(3)} s (median of ${options.runs}): ${fmt(row.eventsPerWallSecond)} events/s; ` +
          `${fmt(row.decisionsPerVirtualSecond)} decisions and ${fmt(row.opsPerVirtualSecond)} client ops per virtual second`,
      );
    }
  }
  if (options.json) console.log(JSON.stringify({ sim: rows }));
  return rows;
}
