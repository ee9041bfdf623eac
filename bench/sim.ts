// `npm run bench` (simulator part): simulated Multi-Paxos events per wall second, tracing to
// /dev/null and not tracing, and decisions per virtual second at 5 nodes with batching; adaptive
// Multi-Paxos (`--only adaptive`): decisions per virtual second by criticality class, and leader
// churn (elections per hour of virtual time) with adaptive and fixed timeouts on a 10-minute link;
// PBFT (`--only pbft`): simulated requests per wall second with Ed25519 signatures on, at n = 4 and
// n = 7, without and with a Byzantine replica, and signatures and verifications per second.

import { batchClass, type AdaptiveState } from '../impl/adaptive/AdaptiveNode.js';
import type { NodeBehavior } from '../impl/Node.js';
import { parseProtocolParams, protocols } from '../impl/protocols.js';
import { simulate, type SimulationOptions } from '../impl/sim/index.js';
import { clearVerifyCache, signText, verifyStats, verifyText } from '../impl/pbft/crypto.js';
import { TraceWriter } from '../traces/index.js';
import { fmt, median } from './stats.js';

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
  /**
   * CPU time of the process (all its threads: V8's garbage collector helpers too) over wall time,
   * for a whole `simulate()` call and the trace's close; median over the runs. About 1: one core.
   */
  coresUsed: number;
  /** The workload's client ticks among the events (one per offered op), and those skipped because every client was busy. */
  ticks: number;
  skippedTicks: number;
  /** Lines of the trace (header included), when the run writes one. */
  traceLines?: number;
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

/**
 * Writes the trace of the Multi-Paxos bench run (`sim-multipaxos-trace-devnull`) to `file`, for the
 * conformance bench: a trace as the simulator writes it. Returns its number of event lines.
 */
export async function writeSimulatorTrace(file: string): Promise<number> {
  const w = simWorkloads.find((x) => x.name === 'sim-multipaxos-trace-devnull')!;
  const writer = new TraceWriter(file);
  simulate({ ...w.options, params: { ...w.options.params }, trace: writer });
  await writer.close();
  return writer.lines - 1;
}

/** Which parts of the simulator bench `--only TEXT` selects (all of them without it). */
const selects = {
  workload: (only: string | undefined, name: string): boolean => only === undefined || name.includes(only),
  adaptive: (only: string | undefined): boolean =>
    only === undefined || 'sim-adaptive'.includes(only) || only.includes('adaptive'),
  pbft: (only: string | undefined): boolean => only === undefined || only.includes('pbft'),
};

/** Whether `--only TEXT` selects any simulator workload (the adaptive and PBFT parts included). */
export function simBenchMatches(only: string): boolean {
  return (
    simWorkloads.some((w) => selects.workload(only, w.name)) || selects.adaptive(only) || selects.pbft(only)
  );
}

/** Run the simulator workloads (in this process, after a warm-up run each) and print them. */
export async function runSimBench(options: {
  runs: number;
  json: boolean;
  only?: string;
}): Promise<SimRow[]> {
  const rows: SimRow[] = [];
  for (const w of simWorkloads) {
    if (!selects.workload(options.only, w.name)) continue;
    const walls: number[] = [];
    const cores: number[] = [];
    let last: ReturnType<typeof simulate> | undefined;
    let lines: number | undefined;
    for (let i = 0; i <= options.runs; i++) {
      const writer = w.trace ? new TraceWriter('/dev/null') : undefined;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = simulate({ ...w.options, ...(writer === undefined ? {} : { trace: writer }) });
      await writer?.close();
      const cpu = process.cpuUsage(cpu0);
      if (i > 0) {
        // run 0 warms the JIT up
        walls.push(r.stats.wallSeconds);
        cores.push((cpu.user + cpu.system) / 1000 / (performance.now() - t0));
      }
      last = r;
      lines = writer?.lines;
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
      coresUsed: median(cores),
      ticks: r.stats.clientOps.invoked + r.stats.clientOps.skipped,
      skippedTicks: r.stats.clientOps.skipped,
      ...(lines === undefined ? {} : { traceLines: lines }),
    };
    rows.push(row);
    if (!options.json) {
      console.log(`\n${w.description}`);
      console.log(
        `  ${r.status}: ${fmt(row.events)} events in ${wall.toFixed(3)} s (median of ${options.runs}): ${fmt(row.eventsPerWallSecond)} events/s; ` +
          `${fmt(row.decisionsPerVirtualSecond)} decisions and ${fmt(row.opsPerVirtualSecond)} client ops per virtual second`,
      );
      // What the events are, and what the run used: the figure above is events of the simulator's
      // queue, client ticks among them; CPU over wall time says whether it ran on one core.
      console.log(
        `  ${fmt(row.ticks)} of the events are client ticks (${fmt(row.skippedTicks)} skipped: every client busy); ` +
          (lines === undefined ? '' : `${fmt(lines)} trace lines (${fmt(lines / wall)}/s); `) +
          `${row.coresUsed.toFixed(2)} cores used (CPU time / wall time)`,
      );
    }
  }
  const adaptive = selects.adaptive(options.only) ? runAdaptiveBench(options) : undefined;
  const pbft = selects.pbft(options.only) ? runPbftBench(options) : undefined;
  if (options.json)
    console.log(
      JSON.stringify({
        sim: rows,
        ...(adaptive === undefined ? {} : { adaptive }),
        ...(pbft === undefined ? {} : { pbft }),
      }),
    );
  return rows;
}

/** Adaptive figures: decisions by class, and churn with adaptive vs fixed timeouts. */
export interface AdaptiveBench {
  classes: {
    description: string;
    medianWallSeconds: number;
    eventsPerWallSecond: number;
    byClass: Record<
      string,
      { slotsPerVirtualSecond: number; opsPerVirtualSecond: number; p50: number; p99: number }
    >;
  };
  churn: {
    description: string;
    rows: {
      timeouts: string;
      virtualHours: number;
      leadersPerHour: number;
      electionsPerHour: number;
      opsOk: number;
      wallSeconds: number;
    }[];
  };
}

function runAdaptiveBench(options: { runs: number; json: boolean }): AdaptiveBench {
  const adaptive = protocols.adaptive;
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const classOptions = {
    behavior: adaptive.behavior,
    nodes: 5,
    params: { ...adaptive.defaults },
    seed: 1,
    duration: 20_000,
    workload: { ...load, classes: { critical: 0.1, routine: 0.9 } },
    quorum: adaptive.quorum(adaptive.defaults, nodes),
  };
  const walls: number[] = [];
  let last: ReturnType<typeof simulate> | undefined;
  for (let i = 0; i <= options.runs; i++) {
    const r = simulate(classOptions);
    if (i > 0) walls.push(r.stats.wallSeconds);
    last = r;
  }
  const r = last!;
  const wall = median(walls);
  const slots: Record<string, number> = {};
  for (const v of r.decided.values()) {
    const c = batchClass(v as unknown[]);
    slots[c] = (slots[c] ?? 0) + 1;
  }
  const byClass: AdaptiveBench['classes']['byClass'] = {};
  for (const [name, c] of Object.entries(r.stats.byClass ?? {})) {
    byClass[name] = {
      slotsPerVirtualSecond: (slots[name] ?? 0) / r.stats.virtualSeconds,
      opsPerVirtualSecond: c.ok / r.stats.virtualSeconds,
      p50: c.latency.p50,
      p99: c.latency.p99,
    };
  }
  const classes = {
    description:
      'adaptive, 5 nodes, routine Q2 = 2, critical Q2 = 3, 20s virtual, 5,000 ops/s offered by 500 clients (10% critical), no trace',
    medianWallSeconds: wall,
    eventsPerWallSecond: r.stats.events / wall,
    byClass,
  };
  if (!options.json) {
    console.log(`\n${classes.description}`);
    console.log(
      `  ${r.status}: ${fmt(r.stats.events)} events in ${wall.toFixed(3)} s (median of ${options.runs}): ${fmt(classes.eventsPerWallSecond)} events/s`,
    );
    for (const [name, c] of Object.entries(byClass)) {
      console.log(
        `  ${name.padEnd(9)} ${fmt(c.slotsPerVirtualSecond)} slots decided and ${fmt(c.opsPerVirtualSecond)} ops ok per virtual second; latency p50 ${c.p50.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms`,
      );
    }
  }

  // Churn: n5 is 10 minutes away (one way) from every other node; 6 hours of virtual time.
  const HOURS = 6;
  const far = { kind: 'fixed', ms: 600_000 } as const;
  const links = Object.fromEntries(['n1', 'n2', 'n3', 'n4'].map((a) => [`${a}-n5`, far]));
  const rows: AdaptiveBench['churn']['rows'] = [];
  for (const [label, extra] of [
    ['adaptive (RTT-based, backoff, sticky leader)', {}],
    ['adaptive timeouts, no sticky leader', { stickyLeader: false }],
    ['fixed (Multi-Paxos timing)', { adaptiveTimeouts: false, stickyLeader: false }],
  ] as const) {
    let leaders = 0;
    const run = simulate({
      behavior: adaptive.behavior,
      nodes: 5,
      params: { ...adaptive.defaults, ...extra },
      seed: 1,
      duration: HOURS * 3_600_000,
      network: { links },
      workload: {
        rate: 1,
        clients: 2,
        keys: 3,
        timeout: 3_600_000,
        classes: { critical: 0.1, routine: 0.9 },
      },
      trace: {
        header: () => undefined,
        // A node becomes leader when it cancels its election timer.
        event: (e) => {
          if (e.kind === 'timer' && e.action === 'cancel' && e.name === 'election') leaders++;
        },
      },
    });
    const elections = Object.values(run.finalStates).reduce<number>(
      (a, st) => a + ((st as AdaptiveState | undefined)?.round ?? 0),
      0,
    );
    rows.push({
      timeouts: label,
      virtualHours: HOURS,
      leadersPerHour: leaders / HOURS,
      electionsPerHour: elections / HOURS,
      opsOk: run.stats.clientOps.ok,
      wallSeconds: run.stats.wallSeconds,
    });
  }
  const churn = {
    description: `adaptive, 5 nodes, n5 10 min one way from the others (fixed latency), LAN uniform 5..40 ms, ${HOURS} h virtual, 1 op/s`,
    rows,
  };
  if (!options.json) {
    console.log(`\n${churn.description}`);
    for (const row of rows) {
      console.log(
        `  ${row.timeouts.padEnd(46)} ${row.leadersPerHour.toFixed(2)} leaders elected/h, ${row.electionsPerHour.toFixed(2)} elections stood/h, ${fmt(row.opsOk)} ops ok (${row.wallSeconds.toFixed(1)} s wall)`,
      );
    }
  }
  return { classes, churn };
}

/** PBFT figures: simulated requests per wall second with signatures on, and the cost of Ed25519. */
export interface PbftBench {
  crypto: { signPerSecond: number; verifyUncachedPerSecond: number; verifyCachedPerSecond: number };
  rows: {
    description: string;
    n: number;
    byzantine: string;
    requests: number;
    medianWallSeconds: number;
    requestsPerWallSecond: number;
    requestsPerVirtualSecond: number;
    verifications: number;
    verificationsComputed: number;
    signatures: number;
  }[];
}

function runPbftBench(options: { runs: number; json: boolean }): PbftBench {
  // Ed25519 on this machine: signatures, verifications without and with the memo.
  const text = JSON.stringify({ type: 'prepare', view: 0, seq: 1, digest: 'a'.repeat(64), replica: 'r2' });
  const COUNT = 20_000;
  const perSecond = (fn: (i: number) => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < COUNT; i++) fn(i);
    return COUNT / ((performance.now() - t0) / 1000);
  };
  signText('bench', 'r2', text); // derive the key first
  const sigs: string[] = [];
  const signPerSecond = perSecond((i) => sigs.push(signText('bench', 'r2', text + String(i))));
  clearVerifyCache();
  const verifyUncachedPerSecond = perSecond((i) => verifyText('bench', 'r2', text + String(i), sigs[i]!));
  const verifyCachedPerSecond = perSecond((i) => verifyText('bench', 'r2', text + String(i), sigs[i]!));
  const crypto = { signPerSecond, verifyUncachedPerSecond, verifyCachedPerSecond };
  if (!options.json) {
    console.log('\nPBFT: Ed25519 (node:crypto), one key, 20,000 distinct messages');
    console.log(
      `  ${fmt(signPerSecond)} signatures/s, ${fmt(verifyUncachedPerSecond)} verifications/s uncached, ${fmt(verifyCachedPerSecond)}/s from the memo`,
    );
  }

  const pbft = protocols.pbft;
  const rows: PbftBench['rows'] = [];
  for (const [n, byzantine] of [
    [4, ''],
    [4, 'r3:forge'],
    [7, ''],
    [7, 'r3:forge'],
  ] as const) {
    const nodes = Array.from({ length: n }, (_, i) => `r${i + 1}`);
    const params: Record<string, unknown> = {
      ...pbft.defaults,
      ...(byzantine === '' ? {} : { byzantine }),
    };
    const opts = {
      behavior: pbft.behavior,
      nodes,
      params,
      seed: 1,
      duration: 10_000,
      workload: { rate: 2000, clients: 64, keys: 100, timeout: 10_000, ...pbft.client(params, nodes) },
      quorum: pbft.quorum(params, nodes),
    };
    const walls: number[] = [];
    let last: ReturnType<typeof simulate> | undefined;
    let verifications = 0;
    let computed = 0;
    let signatures = 0;
    for (let i = 0; i <= options.runs; i++) {
      clearVerifyCache();
      const before = verifyStats();
      const r = simulate(opts);
      const after = verifyStats();
      if (i > 0) walls.push(r.stats.wallSeconds);
      verifications = after.calls - before.calls;
      computed = after.misses - before.misses;
      signatures = after.signs - before.signs;
      last = r;
    }
    const r = last!;
    const wall = median(walls);
    const row = {
      description: `PBFT n=${n}${byzantine === '' ? ', no faults' : `, Byzantine ${byzantine}`}, 10s virtual, 2,000 ops/s offered by 64 clients (f+1 replies), signatures on, no trace`,
      n,
      byzantine,
      requests: r.stats.clientOps.ok,
      medianWallSeconds: wall,
      requestsPerWallSecond: r.stats.clientOps.ok / wall,
      requestsPerVirtualSecond: r.stats.clientOps.ok / r.stats.virtualSeconds,
      verifications,
      verificationsComputed: computed,
      signatures,
    };
    rows.push(row);
    if (!options.json) {
      console.log(`\n${row.description}`);
      console.log(
        `  ${r.status}: ${fmt(row.requests)} requests in ${wall.toFixed(3)} s wall (median of ${options.runs}): ` +
          `${fmt(row.requestsPerWallSecond)} requests/s wall, ${fmt(row.requestsPerVirtualSecond)}/s virtual; ` +
          `${fmt(signatures)} signatures, ${fmt(verifications)} verifications (${fmt(computed)} computed, the rest from the memo)`,
      );
    }
  }
  return { crypto, rows };
}
