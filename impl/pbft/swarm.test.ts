// The Byzantine swarm of issue 5: PBFT in the simulator (impl/sim), 4 replicas with f = 1 faulty,
// RUNS seeds per Byzantine behaviour. The faulty replica is the view-0 primary in even seeds and a
// random replica in odd ones. For the first UNSTABLE_MS the network loses, duplicates and reorders
// (every link's latency widened to 1..150 ms); then it is stable. Judged per run:
//   - safety: the simulator's watch (honest decisions only) and the honest replicas' logs agree;
//   - rejection: every adversarial message an honest replica receives causes no effect in its step
//     (from the trace: no send, decide, persist or timer event of that node at that time before its
//     next input). An honest victim of equivocation cannot tell a validly signed conflicting
//     pre-prepare: it may prepare it, but no honest replica may ever execute a request its client
//     did not sign;
//   - completion: every client op (f+1 = 2 matching replies) ends `ok` by the end of the run.

import { describe, expect, test } from 'vitest';
import type { TraceEvent, TraceHeader } from '../../traces/index.js';
import { protocols } from '../protocols.js';
import { canonicalJson } from '../sim/canonical.js';
import { Prng } from '../sim/prng.js';
import { simulate, type Fault, type TraceSink } from '../sim/index.js';
import { BYZANTINE_KINDS, type ByzantineKind } from './byzantine.js';
import { verifyRequest } from './crypto.js';

const RUNS = Number(process.env['PBFT_SWARM_RUNS'] ?? 500);
const NODES = ['r1', 'r2', 'r3', 'r4'];
/** Loss, duplication and reordering until then; a stable network after. */
const UNSTABLE_MS = 1_000;
/** Client ops start in [0, WORKLOAD_MS): about RATE * WORKLOAD_MS / 1000 of them. */
const WORKLOAD_MS = 1_000;
const RATE = 8;
const DURATION = 8_000;

/** The runs' key seed (the default): every executed request must carry its client's signature under it. */
const KEY_SEED = protocols.pbft.defaults['keySeed'] as number;

const KINDS = BYZANTINE_KINDS.filter((k) => k !== 'collude');

/** The network's unstable start: loss and duplication bursts, every link 1..150 ms (reordering). */
function unstable(seed: number): Fault[] {
  const p = new Prng(seed ^ 0x5bd1e995);
  const faults: Fault[] = [
    { kind: 'loss', at: 0, rate: 0.05 + 0.1 * p.next(), end: UNSTABLE_MS },
    { kind: 'duplicate', at: 0, rate: 0.05 * p.next(), end: UNSTABLE_MS },
  ];
  for (let a = 0; a < NODES.length; a++)
    for (let b = a + 1; b < NODES.length; b++)
      faults.push({
        kind: 'latency',
        at: 0,
        link: [NODES[a]!, NODES[b]!],
        latency: { kind: 'uniform', min: 1, max: 150 },
        end: UNSTABLE_MS,
      });
  return faults;
}

/** What the rejection check found in one run. */
interface Judged {
  /** Adversarial messages received by honest replicas. */
  received: number;
  /** ...that caused no effect. */
  rejected: number;
  /** Equivocated pre-prepares an honest victim prepared (allowed; their requests must never execute). */
  prepared: number;
  reactions: string[];
}

/**
 * A trace sink that judges, per honest node, the step of every adversarial receive: the events
 * the simulator writes for that step follow the `recv` at the same node and time, before the
 * node's next input (a `recv` or a timer firing).
 */
class RejectionJudge implements TraceSink {
  readonly judged: Judged = { received: 0, rejected: 0, prepared: 0, reactions: [] };
  readonly #open = new Map<string, { t: number; msg: { type?: string }; effects: string[] }>();

  constructor(
    readonly faulty: string,
    readonly kind: ByzantineKind,
  ) {}

  header(_h: TraceHeader): void {}

  event(e: TraceEvent): void {
    if (e.kind === 'recv' || (e.kind === 'timer' && e.action === 'fire')) {
      this.#close(e.node);
      if (e.kind === 'recv' && e.adversarial === true && e.node !== this.faulty) {
        this.judged.received++;
        this.#open.set(e.node, { t: e.t!, msg: e.msg, effects: [] });
      }
      return;
    }
    if (e.kind !== 'send' && e.kind !== 'decide' && e.kind !== 'persist' && e.kind !== 'timer') return;
    const open = this.#open.get(e.node);
    if (open === undefined || open.t !== e.t) return;
    open.effects.push(e.kind === 'send' ? `send ${(e.msg as { type?: string }).type}` : e.kind);
  }

  end(): Judged {
    for (const node of [...this.#open.keys()]) this.#close(node);
    return this.judged;
  }

  #close(node: string): void {
    const open = this.#open.get(node);
    if (open === undefined) return;
    this.#open.delete(node);
    if (open.effects.length === 0) {
      this.judged.rejected++;
      return;
    }
    if (
      this.kind === 'equivocate' &&
      open.msg.type === 'pre-prepare' &&
      open.effects.every((x) => x === 'persist' || x === 'send prepare' || x === 'timer')
    ) {
      this.judged.prepared++;
      return;
    }
    this.judged.reactions.push(`${node} reacted to ${canonicalJson(open.msg)}: ${open.effects.join(', ')}`);
  }
}

function runOne(kind: ByzantineKind, seed: number) {
  const faulty = seed % 2 === 0 ? 'r1' : NODES[new Prng(seed).int(NODES.length)]!;
  const entry = protocols.pbft;
  const params = { ...entry.defaults, byzantine: { [faulty]: { kind } } };
  const judge = new RejectionJudge(faulty, kind);
  const r = simulate({
    behavior: entry.behavior,
    nodes: NODES,
    params,
    seed,
    duration: DURATION,
    network: { latency: { kind: 'uniform', min: 2, max: 20 } },
    scenario: { faults: unstable(seed) },
    workload: {
      rate: RATE,
      until: WORKLOAD_MS,
      clients: 8,
      keys: 3,
      timeout: DURATION,
      ...entry.client(params, NODES),
    },
    signRequest: (req) => entry.signRequest(req, params),
    trace: judge,
  });
  return { r, faulty, judged: judge.end() };
}

describe(`PBFT swarm: ${RUNS} seeds per Byzantine behaviour, 1 faulty replica of 4 (f = 1)`, () => {
  const totals: Record<string, { seconds: number; ops: number; adversarial: number }> = {};
  const started = performance.now();

  test.each(KINDS)('%s: no honest disagreement, adversarial input rejected, every op completes', (kind) => {
    const t0 = performance.now();
    let ops = 0;
    let adversarial = 0;
    let prepared = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= RUNS; seed++) {
      const { r, faulty, judged } = runOne(kind, seed);
      const where = `${kind} at ${faulty}, seed ${seed}`;
      if (r.status !== 'ok') {
        failures.push(`${where}: ${r.status} ${JSON.stringify(r.violation ?? r.error?.message)}`);
        continue;
      }
      // Honest logs agree slot by slot, and none holds a request no client sent.
      const honest = NODES.filter((n) => n !== faulty);
      const bySlot = new Map<number, string>();
      for (const n of honest)
        for (const [slot, v] of r.logs[n]!) {
          const text = canonicalJson(v);
          if (v !== null && !verifyRequest(KEY_SEED, v)) failures.push(`${where}: ${n} executed ${text}`);
          const prior = bySlot.get(slot);
          if (prior !== undefined && prior !== text)
            failures.push(`${where}: slot ${slot}: ${prior} vs ${text} (${n})`);
          bySlot.set(slot, text);
        }
      // Every op completed with f+1 matching replies.
      const open = r.ops.filter((o) => o.outcome !== 'ok');
      if (open.length > 0 || r.ops.length === 0)
        failures.push(`${where}: ${open.length} of ${r.ops.length} ops not ok (${open[0]?.outcome})`);
      ops += r.ops.length;
      // Every adversarial message an honest replica received was rejected.
      adversarial += judged.received;
      prepared += judged.prepared;
      if (judged.rejected + judged.prepared !== judged.received || judged.reactions.length > 0)
        failures.push(`${where}: ${judged.reactions.slice(0, 2).join('; ')}`);
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
    if (['equivocate', 'forge', 'replay', 'wrong-digest'].includes(kind))
      expect(adversarial).toBeGreaterThan(0);
    if (kind !== 'equivocate') expect(prepared).toBe(0);
    const seconds = (performance.now() - t0) / 1000;
    totals[kind] = { seconds, ops, adversarial };
    // eslint-disable-next-line no-console
    console.log(
      `pbft swarm ${kind}: ${RUNS} runs, ${ops} ops ok, ${adversarial} adversarial receives at honest replicas ` +
        `(${prepared} equivocated pre-prepares prepared, never executed), ${seconds.toFixed(1)} s`,
    );
  });

  test('timing', () => {
    const total = (performance.now() - started) / 1000;
    // eslint-disable-next-line no-console
    console.log(`pbft swarm: ${KINDS.length} behaviours x ${RUNS} seeds in ${total.toFixed(1)} s`);
    expect(Object.keys(totals).length).toBe(KINDS.length);
  });
});
