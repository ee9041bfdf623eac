// Byzantine replicas for PBFT, as wrappers around the honest node: the wrapped replica runs the
// honest handlers and then deviates in what it sends. Every deviating send is an *adversarial
// effect* (a `send`/`broadcast` with `adversarial: true`) so that a runtime can mark the trace's
// send/recv events and the conformance suite can judge how the honest replicas reacted.
// Also: the `--byzantine "r1:equivocate,r3:forge"` notation and the f+1 scenario that breaks safety.

import type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from '../Node.js';
import type { KvCommand, KvRequest } from '../multipaxos/kv.js';
import { digestOf, signedText, signMessage, signText } from './crypto.js';
import {
  primaryOf,
  wellFormed,
  type CommitMsg,
  type NormalMsg,
  type PbftMessage,
  type PbftValue,
  type PrePrepareMsg,
  type PrepareMsg,
  type ViewChangeMsg,
} from './messages.js';
import { pbftNode, resolvePbftParams, type PbftState } from './PbftNode.js';

/** The behaviours a Byzantine replica can have. */
export const BYZANTINE_KINDS = [
  'equivocate',
  'forge',
  'replay',
  'wrong-digest',
  'silent',
  'delay',
  'selective',
  'collude',
] as const;

/** One Byzantine behaviour. */
export type ByzantineKind = (typeof BYZANTINE_KINDS)[number];

/** What each behaviour does (for `--help` texts and docs). */
export const BYZANTINE_DESCRIPTIONS: Readonly<Record<ByzantineKind, string>> = {
  equivocate:
    'as primary, sends a conflicting pre-prepare (another real client request, same view and seq) to at most f victims (adversarial)',
  forge:
    'also sends prepares, commits and pre-prepares claiming other replicas, with invalid signatures (adversarial)',
  replay: "re-sends old messages (its own and others') to replicas that have moved past them (adversarial)",
  'wrong-digest':
    'its pre-prepares, prepares and commits carry a digest that matches no request (adversarial)',
  silent: 'sends nothing (no protocol message, no client reply)',
  delay: 'holds every message it sends for up to `delayMs` (not marked)',
  selective: 'sends only to some replicas (`to`; default: the lower half of the others) (not marked)',
  collude:
    "prepares and commits every request an honest backup prepared, on that backup's side (the equivocator's victims, or the rest) (adversarial); with an equivocating primary, f+1 faulty replicas break safety",
};

/** A Byzantine behaviour with its options. */
export interface ByzantineSpec {
  readonly kind: ByzantineKind;
  /**
   * equivocate: the replicas that get the conflicting pre-prepare; collude: the replicas it
   * supports the conflicting version at (default: the last f backups in node order).
   */
  readonly victims?: readonly NodeId[];
  /** equivocate: colluding replicas that get both versions. */
  readonly partners?: readonly NodeId[];
  /** equivocate: also commit the conflicting version to its victims and partners. */
  readonly commitBoth?: boolean;
  /** delay: longest hold of a message (default 1500 ms). */
  readonly delayMs?: number;
  /** selective: the replicas it still sends to. */
  readonly to?: readonly NodeId[];
}

/** Byzantine behaviours by replica; replicas not named are honest. */
export type ByzantineAssignment = Readonly<Record<NodeId, ByzantineSpec>>;

/**
 * The adversarial effect: a `send` or `broadcast` of the node contract with `adversarial: true`.
 * It is a valid {@link Effect} (the flag is an extra field); a runtime writes `adversarial: true`
 * on the trace's `send` event and on the matching `recv` event(s).
 */
export type AdversarialEffect<M> =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: M; readonly adversarial: true }
  | { readonly kind: 'broadcast'; readonly msg: M; readonly self?: boolean; readonly adversarial: true };

/** True for an effect a Byzantine wrapper marked adversarial. */
export function isAdversarial(e: Effect<unknown, unknown>): boolean {
  return (e as { adversarial?: unknown }).adversarial === true;
}

// ---------------------------------------------------------------------------------------------
// The `--byzantine` notation.

/**
 * Parse `"r1:equivocate,r3:forge"` for the replicas `nodes`. A replica is a node name, or `rK`
 * for the K-th node counting from 1 (`r1` is the primary of view 0). Throws a RangeError that
 * names the bad item and lists what is known. When the text names colluding replicas, every
 * equivocating one sends them both versions and commits both (`partners`, `commitBoth`):
 * `"r1:equivocate,r2:collude"` on 4 replicas is {@link breakSafetyScenario}.
 */
export function parseByzantine(text: string, nodes: readonly NodeId[]): ByzantineAssignment {
  const out: Record<NodeId, ByzantineSpec> = {};
  const known = `replicas: ${nodes.join(', ')}${nodes.every((n) => !/^r\d+$/.test(n)) ? ` or r1..r${nodes.length}` : ''}`;
  const items = text
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (items.length === 0)
    throw new RangeError('--byzantine: expected replica:behaviour pairs, e.g. "r1:equivocate,r3:forge"');
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon < 0) {
      throw new RangeError(`--byzantine: "${item}" is not replica:behaviour (e.g. r1:equivocate)`);
    }
    const name = item.slice(0, colon).trim();
    const kind = item.slice(colon + 1).trim();
    const replica = resolveReplica(name, nodes);
    if (replica === undefined) throw new RangeError(`--byzantine: unknown replica "${name}" (${known})`);
    if (!(BYZANTINE_KINDS as readonly string[]).includes(kind)) {
      throw new RangeError(
        `--byzantine: unknown behaviour "${kind}" for ${name} (known: ${BYZANTINE_KINDS.join(', ')})`,
      );
    }
    if (out[replica] !== undefined) throw new RangeError(`--byzantine: replica ${name} is named twice`);
    out[replica] = { kind: kind as ByzantineKind };
  }
  // Colluders work with the equivocator: they get both versions, and it commits both (the f+1
  // attack of breakSafetyScenario, written as "r1:equivocate,r2:collude").
  const colluders = Object.keys(out).filter((r) => out[r]!.kind === 'collude');
  if (colluders.length > 0)
    for (const [r, spec] of Object.entries(out))
      if (spec.kind === 'equivocate') out[r] = { kind: 'equivocate', partners: colluders, commitBoth: true };
  return out;
}

function resolveReplica(name: string, nodes: readonly NodeId[]): NodeId | undefined {
  if (nodes.includes(name)) return name;
  const m = /^r(\d+)$/.exec(name);
  if (m === null) return undefined;
  const k = Number(m[1]);
  return k >= 1 && k <= nodes.length ? nodes[k - 1] : undefined;
}

/** Check an assignment against the nodes (names, options); throws a RangeError naming the problem. */
export function checkAssignment(a: ByzantineAssignment, nodes: readonly NodeId[]): void {
  for (const [replica, spec] of Object.entries(a)) {
    if (!nodes.includes(replica))
      throw new RangeError(`byzantine: unknown replica ${replica} (replicas: ${nodes.join(', ')})`);
    if (!(BYZANTINE_KINDS as readonly string[]).includes(spec.kind)) {
      throw new RangeError(
        `byzantine: unknown behaviour ${String(spec.kind)} (known: ${BYZANTINE_KINDS.join(', ')})`,
      );
    }
    for (const r of [...(spec.victims ?? []), ...(spec.partners ?? []), ...(spec.to ?? [])]) {
      if (!nodes.includes(r))
        throw new RangeError(`byzantine: ${replica}: unknown replica ${r} (replicas: ${nodes.join(', ')})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The wrappers.

type Inner = NodeBehavior<PbftState, PbftMessage, KvRequest, unknown, Record<string, unknown>>;
type Eff = Effect<PbftMessage, unknown>;

/** A message the replayer remembers. */
interface Remembered {
  readonly id: number;
  readonly msg: NormalMsg | ViewChangeMsg;
}

/** What a Byzantine wrapper keeps besides the honest state. */
export interface ByzantineMemory {
  readonly spec: ByzantineSpec;
  /** delay: sends on hold, and whether the release timer runs. */
  readonly held: readonly Eff[];
  readonly holdArmed: boolean;
  /** replay: recent messages, what each replica showed it has passed, what was replayed to whom. */
  readonly buffer: readonly Remembered[];
  readonly nextId: number;
  readonly commitsOf: Readonly<Record<NodeId, readonly string[]>>;
  readonly checkpointOf: Readonly<Record<NodeId, number>>;
  readonly viewOf: Readonly<Record<NodeId, number>>;
  readonly replayed: Readonly<Record<string, true>>;
}

/** The state of a wrapped replica: the honest state, and the Byzantine memory (null: honest). */
export interface ByzantineState {
  readonly inner: PbftState;
  readonly byz: ByzantineMemory | null;
}

const HOLD_TIMER = 'byz:release';
const REPLAY_BUFFER = 256;
const REPLAY_PER_STEP = 4;

const adv = (to: NodeId, msg: PbftMessage): Eff => ({ kind: 'send', to, msg, adversarial: true }) as Eff;

const keyOfRequest = (v: PbftValue): string => (v === null ? 'null' : `${JSON.stringify(v.client)}:${v.op}`);

/**
 * A real client request (one its honest handlers accepted: its client signed it) other than
 * `value`, for a conflicting pre-prepare at `seq`: the request it pre-prepared at the nearest seq
 * below, else above, else a pending one; undefined when it knows no other request.
 */
function anotherRequest(s: PbftState, seq: number, value: PbftValue): KvCommand | undefined {
  const not = keyOfRequest(value);
  let below: { seq: number; cmd: KvCommand } | undefined;
  let above: { seq: number; cmd: KvCommand } | undefined;
  for (const [k, e] of Object.entries(s.log)) {
    const q = Number(k);
    const v = e.pp?.value ?? null;
    if (q === seq || v === null || keyOfRequest(v) === not) continue;
    if (q < seq && (below === undefined || q > below.seq)) below = { seq: q, cmd: v };
    if (q > seq && (above === undefined || q < above.seq)) above = { seq: q, cmd: v };
  }
  if (below !== undefined) return below.cmd;
  if (above !== undefined) return above.cmd;
  return Object.values(s.pending).find((p) => keyOfRequest(p.cmd) !== not)?.cmd;
}

/**
 * A request no client sent (it carries no client signature), for forged pre-prepares: honest
 * replicas discard it on the forged signature already, and on the missing client signature too.
 */
function madeUp(s: PbftState, view: number, seq: number): KvCommand {
  return {
    f: 'write',
    key: 'byzantine',
    value: `${s.id} v${view} s${seq}`,
    op: view * 1_000_000 + seq,
    client: `byzantine:${s.id}`,
  };
}

/** Sign `body` (which names `claimed`) with `s`'s own key: a forgery whose signature does not verify. */
function forge<T extends PbftMessage>(s: PbftState, body: Omit<T, 'sig'>): T {
  const m = { ...body, sig: '' } as T;
  return { ...m, sig: signText(s.params.keySeed, s.id, signedText(m as unknown as Record<string, unknown>)) };
}

function own<T extends PbftMessage>(s: PbftState, body: Omit<T, 'sig' | 'replica'>): T {
  return signMessage<T>(s.params.keySeed, { ...body, replica: s.id } as unknown as Omit<T, 'sig'>);
}

const others = (s: PbftState): NodeId[] => s.nodes.filter((n) => n !== s.id);

/** Expand a send or broadcast into per-destination sends. */
function destinations(s: PbftState, e: Eff): NodeId[] {
  if (e.kind === 'send') return [e.to];
  if (e.kind === 'broadcast') return e.self === true ? [...s.nodes] : others(s);
  return [];
}

function defaultVictims(s: PbftState, view: number): NodeId[] {
  const p = primaryOf(s.nodes, view);
  return s.nodes.filter((n) => n !== p).slice(-s.f);
}

/** How the behaviour turns the honest effects of one step into what it really does. */
function deviate(
  b: ByzantineMemory,
  s: PbftState,
  effects: readonly Eff[],
  input: unknown,
): { b: ByzantineMemory; eff: Eff[] } {
  const spec = b.spec;
  const out: Eff[] = [];
  let mem = b;
  for (const e of effects) {
    // A Byzantine replica's decisions mean nothing: only honest ones are judged.
    if (e.kind === 'decide') continue;
    if (e.kind !== 'send' && e.kind !== 'broadcast') {
      if (!(spec.kind === 'silent' && e.kind === 'reply')) out.push(e);
      continue;
    }
    const msg = e.msg;
    switch (spec.kind) {
      case 'silent':
        break;
      case 'selective': {
        const to = spec.to ?? others(s).slice(0, Math.floor((s.nodes.length - 1) / 2));
        for (const d of destinations(s, e)) if (to.includes(d)) out.push({ kind: 'send', to: d, msg });
        break;
      }
      case 'delay':
        mem = { ...mem, held: [...mem.held, e] };
        break;
      case 'equivocate': {
        if (msg.type === 'commit' && spec.commitBoth === true) {
          // Its honest commits go only where the honest version went (victims get the other one).
          const victims = spec.victims ?? defaultVictims(s, msg.view);
          for (const d of destinations(s, e))
            if (!victims.includes(d)) out.push({ kind: 'send', to: d, msg });
          break;
        }
        if (msg.type !== 'pre-prepare' || msg.replica !== s.id) {
          out.push(e);
          break;
        }
        const victims = spec.victims ?? defaultVictims(s, msg.view);
        const partners = spec.partners ?? [];
        const value = anotherRequest(s, msg.seq, msg.value);
        if (value === undefined) {
          // No other real request to equivocate with (it cannot make one up): honest at this seq.
          out.push(e);
          break;
        }
        const bad = own<PrePrepareMsg>(s, {
          type: 'pre-prepare',
          view: msg.view,
          seq: msg.seq,
          digest: digestOf(value),
          value,
        });
        for (const d of destinations(s, e)) {
          if (!victims.includes(d)) out.push({ kind: 'send', to: d, msg });
          if (victims.includes(d) || partners.includes(d)) {
            out.push(adv(d, bad));
            if (spec.commitBoth === true) {
              out.push(
                adv(
                  d,
                  own<CommitMsg>(s, { type: 'commit', view: msg.view, seq: msg.seq, digest: bad.digest }),
                ),
              );
            }
          }
        }
        break;
      }
      case 'wrong-digest': {
        if (msg.type === 'pre-prepare' || msg.type === 'prepare' || msg.type === 'commit') {
          const wrong = digestOf({ wrong: msg.digest });
          const bad = own<NormalMsg>(s, { ...msg, digest: wrong });
          for (const d of destinations(s, e)) out.push(adv(d, bad));
        } else out.push(e);
        break;
      }
      case 'forge': {
        out.push(e);
        if (msg.type !== 'pre-prepare' && msg.type !== 'prepare' && msg.type !== 'commit') break;
        const claimed = others(s).filter((n) => n !== primaryOf(s.nodes, msg.view));
        const fake = digestOf({ forged: msg.digest });
        const forgeries: PbftMessage[] = [];
        for (const c of claimed) {
          forgeries.push(
            forge<PrepareMsg>(s, {
              type: 'prepare',
              view: msg.view,
              seq: msg.seq,
              digest: msg.digest,
              replica: c,
            }),
          );
          forgeries.push(
            forge<CommitMsg>(s, { type: 'commit', view: msg.view, seq: msg.seq, digest: fake, replica: c }),
          );
        }
        const p = primaryOf(s.nodes, msg.view);
        if (p !== s.id) {
          const value = madeUp(s, msg.view, msg.seq);
          forgeries.push(
            forge<PrePrepareMsg>(s, {
              type: 'pre-prepare',
              view: msg.view,
              seq: msg.seq,
              digest: digestOf(value),
              value,
              replica: p,
            }),
          );
        }
        for (const d of others(s)) for (const m of forgeries) if (m.replica !== d) out.push(adv(d, m));
        break;
      }
      case 'collude':
        // Its own prepares and commits are replaced by the colluding ones below.
        if (msg.type !== 'prepare' && msg.type !== 'commit') out.push(e);
        break;
      case 'replay':
        out.push(e);
        break;
    }
  }
  if (spec.kind === 'delay' && mem.held.length > 0 && !mem.holdArmed) {
    out.push({ kind: 'setTimer', name: HOLD_TIMER, after: spec.delayMs ?? 1500 });
    mem = { ...mem, holdArmed: true };
  }
  if (spec.kind === 'collude' && wellFormed(input) && input.type === 'prepare') {
    // An honest backup's prepare shows which version of the pre-prepare it got: support that
    // version on its side (the victims, or the rest), so each side prepares and commits what the
    // equivocating primary sent it. With an honest primary this is genuine support for everyone.
    const { view, seq, digest } = input;
    const victims = spec.victims ?? defaultVictims(s, view);
    const side = victims.includes(input.replica);
    if (input.replica !== primaryOf(s.nodes, view))
      for (const d of others(s)) {
        if (victims.includes(d) !== side) continue;
        out.push(adv(d, own<PrepareMsg>(s, { type: 'prepare', view, seq, digest })));
        out.push(adv(d, own<CommitMsg>(s, { type: 'commit', view, seq, digest })));
      }
  }
  if (spec.kind === 'replay') {
    const r = replay(mem, s, effects, input);
    mem = r.b;
    out.push(...r.eff);
  }
  return { b: mem, eff: out };
}

/**
 * replay: remember normal-case messages and view changes (received and own); re-send a message to
 * replica T only once T has shown it is past it: T's commit for the same (view, seq) and T's
 * checkpoint at or above the seq (T prepared, committed and executed it), or, for a view change,
 * a normal-case message of T from a later view. An honest T then discards the replay.
 */
function replay(
  b0: ByzantineMemory,
  s: PbftState,
  effects: readonly Eff[],
  input: unknown,
): { b: ByzantineMemory; eff: Eff[] } {
  let b = b0;
  const remember = (m: PbftMessage): void => {
    if (m.type !== 'pre-prepare' && m.type !== 'prepare' && m.type !== 'commit' && m.type !== 'view-change')
      return;
    const buffer = [...b.buffer, { id: b.nextId, msg: m }];
    b = {
      ...b,
      buffer: buffer.length > REPLAY_BUFFER ? buffer.slice(-REPLAY_BUFFER) : buffer,
      nextId: b.nextId + 1,
    };
  };
  for (const e of effects) if (e.kind === 'send' || e.kind === 'broadcast') remember(e.msg);
  if (!wellFormed(input)) return { b, eff: [] };
  remember(input);
  const t = input.replica;
  if (t === s.id) return { b, eff: [] };
  if (input.type === 'commit')
    b = {
      ...b,
      commitsOf: {
        ...b.commitsOf,
        [t]: [...(b.commitsOf[t] ?? []), `${input.view}:${input.seq}`].slice(-REPLAY_BUFFER),
      },
    };
  if (input.type === 'checkpoint')
    b = {
      ...b,
      checkpointOf: {
        ...b.checkpointOf,
        [t]: Math.max(b.checkpointOf[t] ?? 0, input.seq),
      },
    };
  if (input.type === 'pre-prepare' || input.type === 'prepare' || input.type === 'commit') {
    b = { ...b, viewOf: { ...b.viewOf, [t]: Math.max(b.viewOf[t] ?? 0, input.view) } };
  }
  const eff: Eff[] = [];
  const replayed: Record<string, true> = {};
  const live = new Set(b.buffer.map((r) => r.id));
  for (const k of Object.keys(b.replayed))
    if (live.has(Number(k.slice(k.indexOf('|') + 1)))) replayed[k] = true;
  const commits = new Set(b.commitsOf[t] ?? []);
  for (const r of b.buffer) {
    if (eff.length >= REPLAY_PER_STEP) break;
    const m = r.msg;
    const key = `${t}|${r.id}`;
    if (m.replica === t || replayed[key] === true) continue;
    const stale =
      m.type === 'view-change'
        ? m.view < (b.viewOf[t] ?? 0)
        : commits.has(`${m.view}:${m.seq}`) && m.seq <= (b.checkpointOf[t] ?? 0);
    if (!stale) continue;
    replayed[key] = true;
    eff.push(adv(t, m));
  }
  return { b: { ...b, replayed }, eff };
}

function memory(spec: ByzantineSpec): ByzantineMemory {
  return {
    spec,
    held: [],
    holdArmed: false,
    buffer: [],
    nextId: 0,
    commitsOf: {},
    checkpointOf: {},
    viewOf: {},
    replayed: {},
  };
}

function wrapStep(
  st: ByzantineState,
  step: Step<PbftState, PbftMessage, unknown>,
  input: unknown,
): Step<ByzantineState, PbftMessage, unknown> {
  if (st.byz === null) return { state: { inner: step.state, byz: null }, effects: step.effects };
  const r = deviate(st.byz, step.state, step.effects, input);
  return { state: { inner: step.state, byz: r.b }, effects: r.eff };
}

/**
 * A node behaviour for a cluster in which the replicas of `assignment` are Byzantine (the others
 * run `behavior` unchanged, decide effects included). A Byzantine replica runs the honest handlers
 * and deviates in its sends (see {@link BYZANTINE_DESCRIPTIONS}); its `decide` effects are dropped
 * (its decisions are not judged) and its deviating sends are {@link AdversarialEffect}s. Timers
 * named `byz:...` belong to the wrapper.
 */
export function byzantineCluster(
  behavior: Inner,
  assignment: ByzantineAssignment,
): NodeBehavior<ByzantineState, PbftMessage, KvRequest, unknown, Record<string, unknown>> {
  return {
    protocol: behavior.protocol,
    init(config: NodeConfig<Record<string, unknown>>, durable, now) {
      checkAssignment(assignment, config.nodes);
      const spec = assignment[config.id];
      const step = behavior.init(config, durable, now);
      return wrapStep({ inner: step.state, byz: spec === undefined ? null : memory(spec) }, step, undefined);
    },
    onMessage(st, from, msg, now) {
      return wrapStep(st, behavior.onMessage(st.inner, from, msg, now), msg);
    },
    onTimer(st, name, now) {
      if (name === HOLD_TIMER && st.byz !== null) {
        const held = st.byz.held;
        const effects: Eff[] = held.map((e) => e);
        return { state: { ...st, byz: { ...st.byz, held: [], holdArmed: false } }, effects };
      }
      return wrapStep(st, behavior.onTimer(st.inner, name, now), undefined);
    },
    onRequest(st, req: ClientRequest<KvRequest>, now) {
      return wrapStep(st, behavior.onRequest(st.inner, req, now), undefined);
    },
  };
}

/** One Byzantine replica: `behavior` wrapped with `spec` (for the runtimes that take a behaviour per node). */
export function withByzantine(
  behavior: Inner,
  spec: ByzantineSpec,
): NodeBehavior<ByzantineState, PbftMessage, KvRequest, unknown, Record<string, unknown>> {
  return {
    ...byzantineCluster(behavior, {}),
    init(config, durable, now) {
      const step = behavior.init(config, durable, now);
      return wrapStep({ inner: step.state, byz: memory(spec) }, step, undefined);
    },
  };
}

/**
 * PBFT whose Byzantine replicas come from the `byzantine` parameter: the `--byzantine` text
 * (`"r1:equivocate,r3:forge"`) or a {@link ByzantineAssignment}. The parameter is removed before
 * the honest node sees its parameters. Without it, this is {@link pbftNode} (state wrapped).
 */
export const pbftByzantineNode: NodeBehavior<
  ByzantineState,
  PbftMessage,
  KvRequest,
  unknown,
  Record<string, unknown>
> = {
  protocol: 'pbft',
  init(config, durable, now) {
    const { byzantine, ...params } = config.params;
    const assignment: ByzantineAssignment =
      byzantine === undefined
        ? {}
        : typeof byzantine === 'string'
          ? parseByzantine(byzantine, config.nodes)
          : (byzantine as ByzantineAssignment);
    return byzantineCluster(pbftNode, assignment).init({ ...config, params }, durable, now);
  },
  onMessage: (st, from, msg, now) => byzantineCluster(pbftNode, {}).onMessage(st, from, msg, now),
  onTimer: (st, name, now) => byzantineCluster(pbftNode, {}).onTimer(st, name, now),
  onRequest: (st, req, now) => byzantineCluster(pbftNode, {}).onRequest(st, req, now),
};

/** A ready configuration: nodes, parameters, Byzantine replicas, and who is honest. */
export interface PbftScenario {
  readonly description: string;
  readonly nodes: readonly NodeId[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly byzantine: ByzantineAssignment;
  readonly honest: readonly NodeId[];
}

/**
 * f+1 = 2 colluding Byzantine replicas of 4 (f = 1) break agreement: the primary n1 pre-prepares
 * real client request A at a seq to n3 and another real request B (the one it pre-prepared at the
 * seq before) to n4 (and both to its partner n2), and commits both; n2 prepares and commits each
 * where an honest backup prepared it. n3 gets 2f prepares and 2f+1 commits for A, n4 for B: the
 * honest replicas n3 and n4 execute different requests at that seq (from the second request on:
 * the primary cannot make requests up, so it needs two). The bound is tight.
 */
export const breakSafetyScenario: PbftScenario = {
  description:
    'f+1 = 2 Byzantine of 4: an equivocating primary and a colluding backup make n3 and n4 execute different requests at one seq',
  nodes: ['n1', 'n2', 'n3', 'n4'],
  params: { f: 1 },
  byzantine: {
    n1: { kind: 'equivocate', victims: ['n4'], partners: ['n2'], commitBoth: true },
    n2: { kind: 'collude', victims: ['n4'] },
  },
  honest: ['n3', 'n4'],
};

/** The same equivocating primary with f = 1 faulty replica only (no colluder): safety holds. */
export const equivocationWithinBoundScenario: PbftScenario = {
  description:
    'f = 1 Byzantine of 4: the same equivocating primary without a colluder; the conflicting request never prepares',
  nodes: ['n1', 'n2', 'n3', 'n4'],
  params: { f: 1 },
  byzantine: { n1: { kind: 'equivocate', victims: ['n4'], commitBoth: true } },
  honest: ['n2', 'n3', 'n4'],
};

/** The number of Byzantine replicas resolvePbftParams would tolerate for `nodes` with `params`. */
export function toleratedFaults(params: Readonly<Record<string, unknown>>, nodes: readonly NodeId[]): number {
  const rest = { ...params };
  delete rest['byzantine'];
  return resolvePbftParams(rest, nodes.length).faults;
}
