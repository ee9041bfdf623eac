// `synod simulate <protocol>`: run the reference nodes in the deterministic simulator (virtual
// time, modelled network, fault scenario, client workload), print a live summary and a final
// table, write the trace; or `--explore N` seeds with random faults and shrink a failure.

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientRequest, NodeBehavior } from '../../impl/Node.js';
import { parseProtocolParams, PROTOCOL_NAMES, protocolEntry, protocols } from '../../impl/protocols.js';
import {
  explore,
  LATENCY_HELP,
  loadScenario,
  parseDuration,
  parseLatency,
  scenarioToJson,
  ScenarioError,
  simulate,
  DURATION_HELP,
  formatDuration,
  type Latency,
  type NetworkOptions,
  type Scenario,
  type WorkloadOptions,
} from '../../impl/sim/index.js';
import { TraceWriter, type QuorumSystem } from '../../traces/index.js';
import { intArg, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { progressLine, renderExplore, renderResult } from '../render/simulate.js';
import { style } from '../render/style.js';

const NAME = 'simulate';

type AnyBehavior = NodeBehavior<unknown, unknown, unknown, unknown, Record<string, unknown>>;

/** A protocol the command can run. */
export interface SimProtocol {
  name: string;
  behavior: AnyBehavior;
  defaults: Record<string, unknown>;
  describe: string;
  /** True for a protocol of impl/protocols.ts (its parameters are typed and checked there). */
  shipped: boolean;
}

/** The shipped protocols (impl/protocols.ts). */
function shippedProtocols(): SimProtocol[] {
  return PROTOCOL_NAMES.map((name) => {
    const p = protocols[name];
    return {
      name,
      behavior: p.behavior,
      defaults: { ...p.defaults },
      describe: p.describe,
      shipped: true,
    };
  });
}

function isBehavior(x: unknown): x is AnyBehavior {
  const b = x as Partial<AnyBehavior> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.protocol === 'string' &&
    typeof b.init === 'function' &&
    typeof b.onMessage === 'function'
  );
}

/** A protocol from a module file: its default export or its first export that is a NodeBehavior. */
async function fileProtocol(file: string, exportName: string | undefined): Promise<SimProtocol> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(
      'E_PROTOCOL_LOAD',
      `cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`,
      NAME,
    );
  }
  const candidates = exportName !== undefined ? [exportName] : ['default', ...Object.keys(mod)];
  for (const k of candidates) {
    if (isBehavior(mod[k]))
      return { name: file, behavior: mod[k], defaults: {}, describe: '', shipped: false };
  }
  throw new UsageError(
    'E_PROTOCOL_EXPORT',
    `${file} exports no NodeBehavior${exportName === undefined ? '' : ` named ${exportName}`} (an object with protocol, init, onMessage, onTimer, onRequest)`,
    NAME,
  );
}

function help(protocols: SimProtocol[]): string {
  const list =
    protocols.length === 0
      ? '  (none shipped in this build; give a module file exporting a NodeBehavior)'
      : protocols
          .map(
            (p) =>
              `  ${p.name.padEnd(12)} ${p.describe}${
                Object.keys(p.defaults).length > 0
                  ? `\n  ${''.padEnd(12)} params: ${Object.entries(p.defaults)
                      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                      .join(' ')}`
                  : ''
              }`,
          )
          .join('\n');
  return `Usage: synod simulate <protocol> [options]

Run a cluster of reference nodes in the deterministic simulator: virtual time (hours of
interplanetary latency simulate in seconds), one seeded random generator (the same seed and
scenario give a byte-identical trace), a modelled network, a fault scenario and a client
workload. Safety is watched all along: two different values decided for one slot stop the run.

Protocols:
${list}
  ./file.js    a module exporting a NodeBehavior (default export, or --export NAME)

Cluster and run:
  --nodes N              cluster size, nodes n1..nN (default 5; pbft: replicas r1..rN, default 4)
  --replicas N           the same as --nodes (the word PBFT uses)
  --seed S               random seed (default: drawn and printed)
  --duration D           virtual time to simulate (default 60s)
  --param k=v            protocol parameter (repeatable; JSON values), e.g. --param batchSize=16

Network (every random choice comes from the seed):
  --latency L            one-way latency of every link (default uniform:5ms..40ms):
                         ${LATENCY_HELP}
  --link a-b=L           latency of one link, both ways (repeatable), e.g. --link n1-n5=uniform:3min..22min
  --loss P               probability a message is lost (default 0)
  --dup P                probability a message is delivered twice (default 0)
  --reorder P            probability a message is delayed extra, overtaking later ones (default 0)
  --faults FILE          a scenario file of timed faults (below)

Workload (Jepsen-style: each client process runs one read or write at a time):
  --rate R               operations per virtual second, e.g. 200/s (default 100/s; 0 = no clients)
  --read-ratio P         fraction of reads (default 0.5)
  --keys K               number of keys (default 10)
  --clients C            client processes (default 5)
  --client-timeout D     an op without a reply by then ends as info (default 5s)
  --criticality-mix M    class weights of client ops, for protocols with criticality classes
                         (adaptive: critical, routine), e.g. "critical:0.1,routine:0.9" (the
                         default there); each op draws its class, the table splits ops by class

Byzantine replicas (pbft):
  --byzantine SPEC       replica:behaviour pairs, e.g. "r1:equivocate,r3:forge" (rK is the K-th
                         replica; r1 is the primary of view 0). Behaviours: equivocate, forge,
                         replay, wrong-digest, silent, delay, selective, collude. A faulty replica's
                         decisions are not judged; its deviating messages are marked
                         "adversarial": true in the trace. Up to f = floor((n-1)/3) faulty replicas
                         keep safety; more are allowed (with a warning): "r1:equivocate,r2:collude"
                         on 4 replicas makes two honest replicas execute different requests (exit 10).
                         Clients take f+1 matching replies and re-send unanswered requests to all.

Output:
  --out FILE             write the trace (NDJSON, synod-trace v1) to FILE
  --json                 print one JSON object with the result on stdout
  --quiet                no progress on stderr
  --progress-interval MS time between progress updates (default 250 on a terminal, 5000 otherwise)

Exploring (swarm testing with shrinking):
  --explore N            run N seeds, each with a random fault schedule (crashes, partitions,
                         pauses, loss bursts); shrink the first failure to a minimal schedule,
                         print it and write it as a scenario file that replays it
  --max-faults K         at most K faults per explored run (default 6)
  --out-scenario FILE    where the shrunk scenario goes (default next to --out, else
                         synod-shrunk-<seed>.json)

Scenario file (JSON; times are virtual time from the start: ms, s, min or h):
  {
    "description": "a minority partition, a crash, and a slow link to Mars",
    "faults": [
      { "at": "10s", "partition": [["n1","n2"],["n3","n4","n5"]], "heal": "20s" },
      { "at": "5s",  "crash": "n2", "restart": "15s" },
      { "at": "30s", "pause": "n3", "resume": "35s" },
      { "at": "40s", "loss": 0.3, "until": "45s" },
      { "at": "40s", "duplicate": 0.1, "until": "45s" },
      { "at": "50s", "link": "n1-n5", "latency": "uniform:3min..22min", "until": "2h" }
    ]
  }
  A crash loses the node's volatile state and keeps what it persisted; a paused node stops
  handling anything (messages and timers queue up) until it resumes. The end field is optional.

Exit codes: 0 safety held, 10 safety violation (or --explore found one), 75 a node handler
            threw, 150 bad arguments or scenario.

Examples:
  synod simulate multipaxos --nodes 5 --seed 7 --duration 60s --loss 0.05 --dup 0.01 \\
      --latency uniform:5ms..40ms --faults scenario.json --out run.ndjson
  synod simulate multipaxos --duration 6h --rate 2/s --link n1-n5=uniform:3min..22min \\
      --link n2-n5=uniform:3min..22min --link n3-n5=uniform:3min..22min --link n4-n5=uniform:3min..22min
  synod simulate paxos --param forgetPromise=true --explore 200 --seed 1 --duration 2s
  synod simulate adaptive --nodes 5 --criticality-mix "critical:0.1,routine:0.9" --seed 1 --out run.ndjson
  synod simulate pbft --replicas 4 --byzantine "r1:equivocate,r3:forge" --seed 3 --out pbft.ndjson
  synod simulate pbft --replicas 4 --byzantine "r1:equivocate,r2:collude" --seed 1 --out broken.ndjson
  synod simulate adaptive --duration 6h --rate 1/s --param reconfigEveryMs=60000 \
      --link n1-n5=fixed:10min --link n2-n5=fixed:10min --link n3-n5=fixed:10min --link n4-n5=fixed:10min
`;
}

const options = {
  nodes: { type: 'string' },
  replicas: { type: 'string' },
  byzantine: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  param: { type: 'string', multiple: true },
  latency: { type: 'string' },
  link: { type: 'string', multiple: true },
  loss: { type: 'string' },
  dup: { type: 'string' },
  reorder: { type: 'string' },
  faults: { type: 'string' },
  rate: { type: 'string' },
  'read-ratio': { type: 'string' },
  keys: { type: 'string' },
  clients: { type: 'string' },
  'client-timeout': { type: 'string' },
  'criticality-mix': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'progress-interval': { type: 'string' },
  explore: { type: 'string' },
  'max-faults': { type: 'string' },
  'out-scenario': { type: 'string' },
  export: { type: 'string' },
} as const;

function probArg(flag: string, raw: string): number {
  const p = Number(raw);
  if (raw.trim() === '' || !(p >= 0 && p <= 1))
    throw new UsageError(
      'E_ARG_VALUE',
      `${flag} must be a probability between 0 and 1, got ${JSON.stringify(raw)}`,
      NAME,
    );
  return p;
}

function durationArg(flag: string, raw: string): number {
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new UsageError(
      'E_ARG_VALUE',
      `${flag}: bad duration ${JSON.stringify(raw)} (${DURATION_HELP})`,
      NAME,
    );
  return ms;
}

function latencyArg(flag: string, raw: string): Latency {
  const l = parseLatency(raw);
  if (typeof l === 'string') throw new UsageError('E_ARG_VALUE', `${flag}: ${l}`, NAME);
  return l;
}

/** Parse `--criticality-mix` ("critical:0.1,routine:0.9") against the protocol's classes. */
export function parseCriticalityMix(raw: string, classes: readonly string[]): Record<string, number> {
  const bad = (why: string): UsageError =>
    new UsageError('E_ARG_VALUE', `--criticality-mix ${JSON.stringify(raw)}: ${why}`, NAME);
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const m = /^\s*([^:\s]+)\s*:\s*([^\s]+)\s*$/.exec(part);
    if (m === null) throw bad('write class:weight pairs separated by commas, e.g. critical:0.1,routine:0.9');
    const [, name, w] = m as unknown as [string, string, string];
    if (!classes.includes(name))
      throw bad(`unknown class ${JSON.stringify(name)} (classes: ${classes.join(', ')})`);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw bad(`class ${name} is given twice`);
    const x = Number(w);
    if (!(x >= 0) || !Number.isFinite(x))
      throw bad(`the weight of ${name} must be a number ≥ 0, got ${JSON.stringify(w)}`);
    out[name] = x;
  }
  if (!(Object.values(out).reduce((a, b) => a + b, 0) > 0)) throw bad('the weights must sum to more than 0');
  return out;
}

/** A parsed `synod simulate` invocation. */
export interface SimulateInvocation {
  protocol: SimProtocol;
  nodes: string[];
  seed: number;
  seedGiven: boolean;
  duration: number;
  params: Record<string, unknown>;
  network: NetworkOptions;
  workload: WorkloadOptions | false;
  faultsFile: string | undefined;
  scenario: Scenario | undefined;
  out: string | undefined;
  json: boolean;
  quiet: boolean;
  progressIntervalMs: number | undefined;
  explore: number | undefined;
  maxFaults: number;
  outScenario: string | undefined;
  /** Lines for stderr before the run (e.g. more Byzantine replicas than f). */
  warnings: string[];
  args: string[];
}

/** Parse `synod simulate` arguments; throws UsageError for anything wrong. */
export async function parseSimulateArgs(args: string[]): Promise<SimulateInvocation> {
  const { values: v, positionals } = parseCommandArgs(NAME, args, options);
  const shipped = shippedProtocols();
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'E_ARG_MISSING' : 'E_ARG_EXTRA',
      positionals.length === 0
        ? `which protocol? (shipped: ${shipped.map((p) => p.name).join(', ') || 'none'}; or a module file)`
        : `one protocol at a time, got ${positionals.join(' ')}`,
      NAME,
    );
  }
  const name = positionals[0]!;
  const exportName = typeof v['export'] === 'string' ? v['export'] : undefined;
  const found = shipped.find((p) => p.name === name);
  let protocol: SimProtocol;
  if (found !== undefined) protocol = found;
  else if (/\.(m?js|cjs)$/.test(name) || name.includes('/')) protocol = await fileProtocol(name, exportName);
  else
    throw new UsageError(
      'E_PROTOCOL_UNKNOWN',
      `unknown protocol ${JSON.stringify(name)} (shipped: ${shipped.map((p) => p.name).join(', ') || 'none'}; or a module file such as ./node.js)`,
      NAME,
    );

  const entry = protocol.shipped ? protocolEntry(protocol.name) : undefined;
  if (typeof v['nodes'] === 'string' && typeof v['replicas'] === 'string')
    throw new UsageError('E_ARG_CONFLICT', '--replicas is another name for --nodes: give one of them', NAME);
  const sizeFlag = typeof v['replicas'] === 'string' ? '--replicas' : '--nodes';
  const sizeText = v['replicas'] ?? v['nodes'];
  const n =
    typeof sizeText === 'string' ? intArg(NAME, sizeFlag, sizeText, 1, 1000) : (entry?.defaultNodes ?? 5);
  const prefix = entry?.nodePrefix ?? 'n';
  const nodes = Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const seedGiven = typeof v['seed'] === 'string';
  const seed = seedGiven
    ? intArg(NAME, '--seed', v['seed'] as string, 0, Number.MAX_SAFE_INTEGER)
    : Math.floor(Math.random() * 2 ** 31);
  const duration = typeof v['duration'] === 'string' ? durationArg('--duration', v['duration']) : 60_000;

  const pairs = (v['param'] as string[] | undefined) ?? [];
  let params: Record<string, unknown>;
  if (protocol.shipped) {
    const parsed = parseProtocolParams(protocol.name, pairs, n);
    if (!parsed.ok) throw new UsageError('E_ARG_VALUE', `--param: ${parsed.message}`, NAME);
    params = { ...parsed.params };
  } else {
    params = {};
    for (const kv of pairs) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError('E_ARG_VALUE', `--param takes k=v, got ${JSON.stringify(kv)}`, NAME);
      const key = kv.slice(0, eq).trim();
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new UsageError('E_ARG_VALUE', `--param: ${JSON.stringify(key)} is not a usable name`, NAME);
      }
      const raw = kv.slice(eq + 1);
      try {
        params[key] = JSON.parse(raw);
      } catch {
        params[key] = raw;
      }
    }
  }

  const warnings: string[] = [];
  if (typeof v['byzantine'] === 'string') {
    const byz = entry?.byzantine;
    if (byz === undefined)
      throw new UsageError(
        'E_ARG_VALUE',
        `--byzantine: ${protocol.name} has no Byzantine replicas (pbft has)`,
        NAME,
      );
    let assignment: Readonly<Record<string, unknown>>;
    try {
      assignment = byz.parse(v['byzantine'], nodes);
    } catch (e) {
      throw new UsageError('E_ARG_VALUE', e instanceof Error ? e.message : String(e), NAME);
    }
    const faulty = Object.keys(assignment).length;
    const f = byz.tolerated(params, nodes);
    if (faulty > f)
      warnings.push(
        `warning: ${faulty} Byzantine replicas of ${n} but f = ${f}: safety is not guaranteed beyond f faulty replicas`,
      );
    params['byzantine'] = assignment;
  }

  const network: NetworkOptions = {};
  if (typeof v['latency'] === 'string') network.latency = latencyArg('--latency', v['latency']);
  const links: Record<string, Latency> = {};
  for (const spec of (v['link'] as string[] | undefined) ?? []) {
    const m = /^([^=-]+)-([^=]+)=(.+)$/.exec(spec);
    if (m === null)
      throw new UsageError(
        'E_ARG_VALUE',
        `--link takes a-b=latency, e.g. n1-n5=fixed:3min, got ${JSON.stringify(spec)}`,
        NAME,
      );
    for (const end of [m[1]!, m[2]!]) {
      if (!nodes.includes(end))
        throw new UsageError(
          'E_ARG_VALUE',
          `--link ${spec}: unknown node ${JSON.stringify(end)} (nodes: ${nodes.join(', ')})`,
          NAME,
        );
    }
    links[`${m[1]}-${m[2]}`] = latencyArg(`--link ${spec}`, m[3]!);
  }
  if (Object.keys(links).length > 0) network.links = links;
  if (typeof v['loss'] === 'string') network.loss = probArg('--loss', v['loss']);
  if (typeof v['dup'] === 'string') network.duplicate = probArg('--dup', v['dup']);
  if (typeof v['reorder'] === 'string') network.reorder = probArg('--reorder', v['reorder']);

  let workload: WorkloadOptions | false = { rate: 100 };
  if (typeof v['rate'] === 'string') {
    const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(v['rate'].trim());
    if (m === null)
      throw new UsageError(
        'E_ARG_VALUE',
        `--rate takes operations per virtual second, e.g. 200/s, got ${JSON.stringify(v['rate'])}`,
        NAME,
      );
    const rate = Number(m[1]);
    workload = rate === 0 ? false : { rate };
  }
  if (workload !== false && entry?.client !== undefined) {
    const rule = entry.client(params, nodes);
    workload.replies = rule.replies;
    workload.retry = rule.retry;
  }
  if (workload !== false) {
    if (typeof v['read-ratio'] === 'string') workload.readRatio = probArg('--read-ratio', v['read-ratio']);
    if (typeof v['keys'] === 'string') workload.keys = intArg(NAME, '--keys', v['keys'], 1);
    if (typeof v['clients'] === 'string')
      workload.clients = intArg(NAME, '--clients', v['clients'], 1, 100_000);
    if (typeof v['client-timeout'] === 'string')
      workload.timeout = durationArg('--client-timeout', v['client-timeout']);
  }
  const classes = entry?.classes;
  if (typeof v['criticality-mix'] === 'string') {
    if (classes === undefined)
      throw new UsageError(
        'E_ARG_VALUE',
        `--criticality-mix: ${protocol.name} has no criticality classes (adaptive has)`,
        NAME,
      );
    const mix = parseCriticalityMix(v['criticality-mix'], classes);
    if (workload !== false) workload.classes = mix;
  } else if (classes !== undefined && workload !== false) {
    workload.classes = { critical: 0.1, routine: 0.9 };
  }

  const faultsFile = typeof v['faults'] === 'string' ? v['faults'] : undefined;
  let scenario: Scenario | undefined;
  if (faultsFile !== undefined) {
    try {
      scenario = loadScenario(faultsFile, nodes);
    } catch (e) {
      if (e instanceof ScenarioError) throw new UsageError(e.code, e.message, NAME);
      throw e;
    }
  }
  const explore = typeof v['explore'] === 'string' ? intArg(NAME, '--explore', v['explore'], 1) : undefined;
  if (explore !== undefined && scenario !== undefined)
    throw new UsageError(
      'E_ARG_CONFLICT',
      '--explore draws its own faults: drop --faults (or drop --explore to replay it)',
      NAME,
    );
  const interval = v['progress-interval'];
  return {
    protocol,
    nodes,
    seed,
    seedGiven,
    duration,
    params,
    network,
    workload,
    faultsFile,
    scenario,
    out: typeof v['out'] === 'string' ? v['out'] : undefined,
    json: v['json'] === true,
    quiet: v['quiet'] === true,
    progressIntervalMs:
      typeof interval === 'string' ? intArg(NAME, '--progress-interval', interval, 0) : undefined,
    explore,
    maxFaults:
      typeof v['max-faults'] === 'string' ? intArg(NAME, '--max-faults', v['max-faults'], 0, 100) : 6,
    outScenario: typeof v['out-scenario'] === 'string' ? v['out-scenario'] : undefined,
    warnings,
    args,
  };
}

/** Quote a word for a POSIX shell when it needs it. */
function shellWord(w: string): string {
  return /^[\w./=:,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The command that replays a run: the same arguments with this seed (and this scenario file). */
function replayCommand(inv: SimulateInvocation, seed: number, faultsFile?: string): string {
  const drop = new Set(['--seed', '--explore', '--out-scenario', '--max-faults', '--json', '--quiet']);
  const keep: string[] = [];
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i]!;
    const flag = a.includes('=') && a.startsWith('--') ? a.slice(0, a.indexOf('=')) : a;
    if (drop.has(flag) || (faultsFile !== undefined && flag === '--faults')) {
      if (!a.includes('=') && flag !== '--json' && flag !== '--quiet') i++;
      continue;
    }
    keep.push(a);
  }
  const parts = ['npx', 'synod', NAME, ...keep, '--seed', String(seed)];
  if (faultsFile !== undefined) parts.push('--faults', faultsFile);
  return parts.map(shellWord).join(' ');
}

function resultJson(inv: SimulateInvocation, r: ReturnType<typeof simulate>): object {
  return {
    status: r.status,
    protocol: inv.protocol.name,
    seed: r.seed,
    nodes: r.nodes,
    durationMs: inv.duration,
    params: inv.params,
    stats: r.stats,
    violation: r.violation ?? null,
    error:
      r.error === undefined
        ? null
        : { node: r.error.node, during: r.error.during, message: r.error.message, t: r.error.t },
    trace: inv.out ?? null,
    replayCommand: replayCommand(inv, r.seed),
  };
}

/** What the protocol's clients do to the requests they issue (PBFT: sign them), from its entry. */
function signerOf(inv: SimulateInvocation): {
  signRequest?: (req: ClientRequest<unknown>) => ClientRequest<unknown>;
} {
  const entry = inv.protocol.shipped ? protocolEntry(inv.protocol.name) : undefined;
  const sign = entry?.signRequest;
  if (sign === undefined) return {};
  return {
    signRequest: (req) => sign(req as ClientRequest<object>, inv.params),
  };
}

/** The trace header's quorum system and parameters, from the protocol's entry. */
function quorumOf(inv: SimulateInvocation): {
  quorum?: QuorumSystem;
  headerParams?: Record<string, unknown>;
} {
  const entry = inv.protocol.shipped ? protocolEntry(inv.protocol.name) : undefined;
  if (entry === undefined) return {};
  return {
    quorum: entry.quorum(inv.params, inv.nodes),
    ...(entry.headerParams === undefined ? {} : { headerParams: entry.headerParams(inv.params, inv.nodes) }),
  };
}

/** Protocol-specific figures of a run: its `figures`, the growth of its `counters`, adversarial sends. */
function protocolFigures(
  inv: SimulateInvocation,
  r: ReturnType<typeof simulate>,
  before: Record<string, number> | undefined,
): Record<string, number> {
  const entry = inv.protocol.shipped ? protocolEntry(inv.protocol.name) : undefined;
  if (entry === undefined) return {};
  const out: Record<string, number> = {};
  if (entry.client !== undefined) out['ops completed'] = r.stats.clientOps.ok;
  Object.assign(out, entry.figures?.(r.finalStates) ?? {});
  if (entry.byzantine !== undefined) out['adversarial messages'] = r.stats.messages.adversarial ?? 0;
  const after = entry.counters?.();
  if (after !== undefined && before !== undefined)
    for (const [k, x] of Object.entries(after)) out[k] = x - (before[k] ?? 0);
  return out;
}

function renderFigures(
  inv: SimulateInvocation,
  figures: Record<string, number>,
  s: ReturnType<typeof style>,
): string {
  const replies = inv.workload === false ? 1 : (inv.workload.replies ?? 1);
  const int = (x: number): string => x.toLocaleString('en-US');
  const rows: [string, string][] = [];
  for (const [k, x] of Object.entries(figures)) {
    if (k === 'ops completed')
      rows.push(['requests complete', `${int(x)} (${replies} matching replies each)`]);
    else if (k === 'adversarial messages')
      rows.push(['adversarial sent', `${int(x)} messages marked "adversarial": true`]);
    else if (k === 'verifications')
      rows.push([
        k,
        `${int(x)} (${int(figures['verifications computed'] ?? x)} computed, the rest from the cache)`,
      ]);
    else if (k !== 'verifications computed') rows.push([k, int(x)]);
  }
  return rows.map(([k, v]) => `  ${s.dim(k.padEnd(17))}  ${v}\n`).join('');
}

function exitOf(status: 'ok' | 'safety-violation' | 'error'): number {
  return status === 'ok'
    ? ExitCode.ok
    : status === 'safety-violation'
      ? ExitCode.safety
      : ExitCode.modelThrew;
}

function progressHook(
  inv: SimulateInvocation,
  io: Io,
): { hook: ((line: string) => void) | undefined; end(): void } {
  if (inv.quiet) return { hook: undefined, end: () => undefined };
  const s = style(io.color);
  let live = false;
  return {
    hook: (line) => {
      if (io.isTTY) {
        io.err(`\r\x1b[2K${s.cyan(line.slice(0, Math.max(20, io.columns - 1)))}`);
        live = true;
      } else io.err(`${line}\n`);
    },
    end: () => {
      if (live) io.err('\r\x1b[2K');
    },
  };
}

async function runExplore(inv: SimulateInvocation, io: Io): Promise<number> {
  const s = style(io.color);
  const runs = inv.explore!;
  if (!inv.json) {
    io.out(
      `${s.bold(`synod simulate ${inv.protocol.name} --explore ${runs}`)} ${s.dim(`[${inv.nodes.length} nodes, seed ${inv.seed}, ${formatDuration(inv.duration)} virtual per run, up to ${inv.maxFaults} faults]`)}\n`,
    );
  }
  const progress = progressHook(inv, io);
  const interval = inv.progressIntervalMs ?? (io.isTTY ? 250 : 5000);
  let last = 0;
  const result = explore({
    behavior: inv.protocol.behavior,
    nodes: inv.nodes,
    params: inv.params,
    duration: inv.duration,
    network: inv.network,
    workload: inv.workload,
    ...signerOf(inv),
    runs,
    seed: inv.seed,
    maxFaults: inv.maxFaults,
    hooks: {
      run: ({ run, runs: total }) => {
        const now = performance.now();
        if (progress.hook !== undefined && now - last >= interval) {
          last = now;
          progress.hook(`explore: run ${run} / ${total}`);
        }
      },
      shrink: ({ shrinks, faults }) => {
        const now = performance.now();
        if (progress.hook !== undefined && now - last >= interval) {
          last = now;
          progress.hook(`explore: found a failure; shrinking (${shrinks} steps, ${faults} faults)`);
        }
      },
    },
  });
  progress.end();
  let file: string | undefined;
  let text: string | undefined;
  let replay: string | undefined;
  if (result.failure !== undefined) {
    text = JSON.stringify(scenarioToJson(result.failure.scenario), null, 2) + '\n';
    file =
      inv.outScenario ??
      (inv.out !== undefined
        ? join(dirname(inv.out), `synod-shrunk-${result.failure.seed}.json`)
        : `synod-shrunk-${result.failure.seed}.json`);
    writeFileSync(file, text);
    replay = replayCommand(inv, result.failure.seed, file);
    if (inv.out !== undefined) {
      const w = new TraceWriter(inv.out);
      simulate({
        behavior: inv.protocol.behavior,
        nodes: inv.nodes,
        params: inv.params,
        duration: inv.duration,
        network: inv.network,
        workload: inv.workload,
        seed: result.failure.seed,
        scenario: result.failure.scenario,
        trace: w,
        ...quorumOf(inv),
        ...signerOf(inv),
      });
      await w.close();
    }
  }
  if (inv.json) {
    io.out(
      JSON.stringify({
        status: result.status,
        runs: result.runs,
        seed: result.seed,
        wallSeconds: result.wallSeconds,
        failure:
          result.failure === undefined
            ? null
            : {
                seed: result.failure.seed,
                status: result.failure.result.status,
                violation: result.failure.result.violation ?? null,
                faults: result.failure.scenario.faults.length,
                originalFaults: result.failure.original.faults.length,
                shrinks: result.failure.shrinks,
                scenario: scenarioToJson(result.failure.scenario),
                scenarioFile: file,
                replayCommand: replay,
              },
      }) + '\n',
    );
  } else io.out(renderExplore(result, s, text, file, replay));
  return exitOf(result.failure === undefined ? 'ok' : result.failure.result.status);
}

async function run(args: string[], io: Io): Promise<number> {
  const inv = await parseSimulateArgs(args);
  for (const w of inv.warnings) io.err(`${w}\n`);
  if (inv.explore !== undefined) return runExplore(inv, io);
  const s = style(io.color);
  if (!inv.json) {
    const net = [
      inv.network.loss ? `loss ${inv.network.loss}` : '',
      inv.network.duplicate ? `dup ${inv.network.duplicate}` : '',
      inv.scenario ? `${inv.scenario.faults.length} faults from ${inv.faultsFile}` : '',
    ].filter((x) => x !== '');
    io.out(
      `${s.bold(`synod simulate ${inv.protocol.name}`)} ${s.dim(`[${inv.nodes.length} ${inv.nodes[0]?.startsWith('r') === true ? 'replicas' : 'nodes'}, seed ${inv.seed}, ${formatDuration(inv.duration)} virtual${net.length > 0 ? ', ' + net.join(', ') : ''}]`)}\n`,
    );
  }
  const writer = inv.out === undefined ? undefined : new TraceWriter(inv.out);
  const progress = progressHook(inv, io);
  const entry = inv.protocol.shipped ? protocolEntry(inv.protocol.name) : undefined;
  const before = entry?.counters?.();
  let result;
  try {
    result = simulate({
      behavior: inv.protocol.behavior,
      nodes: inv.nodes,
      params: inv.params,
      seed: inv.seed,
      duration: inv.duration,
      network: inv.network,
      workload: inv.workload,
      ...quorumOf(inv),
      ...signerOf(inv),
      ...(inv.scenario === undefined ? {} : { scenario: inv.scenario }),
      ...(writer === undefined ? {} : { trace: writer }),
      progressIntervalMs: inv.progressIntervalMs ?? (io.isTTY ? 250 : 5000),
      hooks: progress.hook === undefined ? {} : { progress: (p) => progress.hook!(progressLine(p)) },
    });
  } finally {
    await writer?.close();
  }
  progress.end();
  const figures = protocolFigures(inv, result, before);
  if (inv.json)
    io.out(
      JSON.stringify({
        ...resultJson(inv, result),
        ...(Object.keys(figures).length > 0 ? { figures } : {}),
      }) + '\n',
    );
  else {
    io.out(renderResult(result, s, replayCommand(inv, result.seed)));
    io.out(renderClasses(inv, result, s));
    io.out(renderFigures(inv, figures, s));
    if (inv.out !== undefined) io.out(`  ${s.dim('trace'.padEnd(17))}  ${inv.out}\n`);
    if (!inv.seedGiven)
      io.out(`  ${s.dim('seed'.padEnd(17))}  ${inv.seed} (pass --seed ${inv.seed} to replay this run)\n`);
  }
  return exitOf(result.status);
}

/** Per-class rows (ops, slots decided, latency) for a run whose workload has criticality classes. */
function renderClasses(
  inv: SimulateInvocation,
  r: ReturnType<typeof simulate>,
  s: ReturnType<typeof style>,
): string {
  const by = r.stats.byClass;
  if (by === undefined) return '';
  const classOf = inv.protocol.shipped ? protocolEntry(inv.protocol.name)?.classOf : undefined;
  const slots: Record<string, number> = {};
  if (classOf !== undefined)
    for (const value of r.decided.values()) {
      const c = classOf(value);
      if (c !== undefined) slots[c] = (slots[c] ?? 0) + 1;
    }
  const secs = r.stats.virtualSeconds > 0 ? r.stats.virtualSeconds : 1;
  const ms = (x: number): string => `${x.toFixed(1)}ms`;
  return Object.entries(by)
    .map(
      ([name, c]) =>
        `  ${s.dim(`class ${name}`.padEnd(17))}  ops ok ${c.ok}/${c.invoked} (${(c.ok / secs).toFixed(1)}/s)` +
        (classOf === undefined ? '' : `  slots decided ${slots[name] ?? 0}`) +
        `  latency p50 ${ms(c.latency.p50)}  p95 ${ms(c.latency.p95)}  p99 ${ms(c.latency.p99)}\n`,
    )
    .join('');
}

export const simulateCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help: () => help(shippedProtocols()),
  run,
};
