// Safety of a PBFT trace (impl/pbft/TRACE-FORMAT.md), checked in one streaming pass.
//
// PBFT in brief: n = 3f + 1 replicas tolerate f Byzantine ones. The primary of view v
// (nodes[v mod n]) assigns a client request a sequence number in a signed pre-prepare; a replica
// that holds the pre-prepare and 2f matching prepares from distinct backups is *prepared*, and
// sends a commit; 2f + 1 matching commits make the request committed, and the replica executes it
// once every lower sequence number is executed. Two quorums of 2f + 1 intersect in f + 1 replicas,
// at least one honest, so no two requests are prepared at one (view, seq), and a commit quorum
// leaves a prepared certificate in every later view-change quorum: the new primary must re-propose
// the highest-view prepared request of each sequence number (null where none), which is checked
// here by recomputing its new-view from the 2f + 1 view-changes it carries.
//
// Who is honest: a replica is faulty when it sent any message marked `adversarial: true`, or when
// `params.byzantine` names it (that list only adds). Rules about a replica's own acts are judged
// when it turns out honest at the end of the trace, so a violation is kept per blamed set of
// replicas until then. A replica's knowledge is what it received (`recv`), or, in traces without
// any `recv`, what was sent to it; only validly signed messages count.
import type { TraceEvent, TraceHeader } from '../../traces/index.js';
import { canonicalJson, hash32, opsIn } from '../commands.js';
import {
  NULL_REQUEST,
  PBFT_MESSAGE_TYPES,
  byzantineOf,
  digestOf,
  faultsOf,
  isCount,
  isNullRequest,
  primaryOf,
  slotOfSeq,
  verifierFor,
} from '../pbftMessages.js';
import type { InvariantResult, TraceEnd, TraceObserver, Violation } from '../types.js';
import { windowOf, type Rec } from './window.js';
import { IdBits, popcount } from './paxos.js';
import { SettledSlots } from './settledSlots.js';

/** The invariants of the PBFT checker, in report order, with their one-line descriptions. */
export const PBFT_INVARIANTS = {
  agreement: 'No two honest replicas execute different requests at the same sequence number.',
  validity: 'An executed non-null request is one a client invoked (same op id, operation, key and value).',
  integrity:
    'An honest replica executes a sequence number at most once between restarts, and never a different request after one.',
  signatures:
    "Every non-adversarial replica message names its sender as replica and carries that replica's valid Ed25519 signature.",
  certificates:
    'An honest replica commits only when prepared, executes only with 2f+1 matching commits, and its view-changes carry well-formed certificates.',
  'new-view':
    "A new-view comes from the new view's primary with 2f+1 valid view-changes and re-proposes exactly what they prove prepared (null elsewhere).",
} as const;

/** Name of an invariant of the PBFT checker. */
export type PbftInvariant = keyof typeof PBFT_INVARIANTS;

/** Options of {@link createPbftSafety}. */
export interface PbftSafetyOptions {
  /** Keep the full events of windows (default true); false keeps only line numbers. */
  keepEvents?: boolean;
}

/** The PBFT checker: a trace observer, plus how many sequence numbers it holds open (for tests). */
export interface PbftSafety extends TraceObserver<InvariantResult[]> {
  /** Sequence numbers whose per-seq state is still held (not yet compacted). */
  openSeqs(): number;
}

/** What each replica knows of one (view, seq, digest): pre-prepare, prepares and commits. */
interface Cert {
  view: number;
  digest: string;
  ppAt: Array<Rec | undefined>;
  prep: number[]; // per replica: mask of backups whose prepare it holds
  prepAt: Rec[][];
  commit: number[]; // per replica: mask of replicas whose commit it holds
  commitAt: Rec[][];
  /** Replicas whose commit send was judged already (a broadcast is judged once). */
  commitJudged: number;
}

/** A pre-prepare that passed {@link goodPrePrepare}'s checks. */
interface PrePrepare {
  view: number;
  seq: number;
  digest: string;
  /** The request bound to the seq (`null`: the null request). */
  value: unknown;
  replica?: unknown;
}

interface Decision {
  node: number;
  digest: string;
  label: string;
  at: Rec;
}

interface SeqState {
  decisions: Decision[];
  certs: Map<string, Cert>;
  /** Client ops executed at this seq (their invoke records are dropped with the seq). */
  ops: number[];
}

interface NodeState {
  /** Seqs executed in this incarnation -> where. */
  executed: Map<number, Rec>;
  restartAt: Rec | undefined;
  restartLine: number;
  /** Every seq 1..prefix has been executed (in some incarnation). */
  prefix: number;
  ahead: Set<number>;
}

/** Violations blamed on one set of replicas: they count only if all of them end up honest. */
interface Blamed {
  first: Violation;
  order: number;
  count: number;
}

interface InvState {
  checks: number;
  blamed: Map<number, Blamed>;
  skipped?: string;
}

/** Most replicas these checks support (replica sets are bit masks). */
const MAX_NODES = 30;
/** Stable checkpoints this many seqs behind the highest are compacted even if some replica lags. */
const COMPACT_LAG = 4096;
/** Signatures of view-change and new-view messages judged already, at most (then forgotten). */
const JUDGED_LIMIT = 10_000;

/**
 * The streaming safety checker for `pbft` traces. Feed it every event; `finish` returns one
 * {@link InvariantResult} per invariant of {@link PBFT_INVARIANTS}.
 */
export function createPbftSafety(header: TraceHeader, options: PbftSafetyOptions = {}): PbftSafety {
  const names = Object.keys(PBFT_INVARIANTS) as PbftInvariant[];
  if (header.nodes.length > MAX_NODES) {
    const reason = `synod's PBFT checks support up to ${MAX_NODES} replicas; this trace has ${header.nodes.length}`;
    return {
      event: () => undefined,
      finish: () =>
        names.map((name) => ({
          name,
          description: PBFT_INVARIANTS[name],
          status: 'skipped',
          checks: 0,
          reason,
        })),
      openSeqs: () => 0,
    };
  }
  const n = header.nodes.length;
  const f = faultsOf(header);
  const quorum = 2 * f + 1;
  const verifier = verifierFor(header);
  const keep = options.keepEvents ?? true;
  const index = new Map<string, number>();
  header.nodes.forEach((name, i) => index.set(name, i));
  const nodes: NodeState[] = header.nodes.map(() => ({
    executed: new Map(),
    restartAt: undefined,
    restartLine: 0,
    prefix: 0,
    ahead: new Set(),
  }));
  let faulty = 0;
  for (const b of byzantineOf(header)) faulty |= 1 << (index.get(b) as number);

  const inv = Object.fromEntries(
    names.map((k): [string, InvState] => [k, { checks: 0, blamed: new Map() }]),
  ) as Record<PbftInvariant, InvState>;
  let order = 0;

  const seqs = new Map<number, SeqState>();
  const settled = new SettledSlots();
  /** Every seq at or below it is compacted: its messages create no state. */
  let low = 0;
  const checkpoints = new Map<number, Map<string, number>>();
  const stableSeqs: number[] = []; // stable checkpoints not yet compacted, ascending
  let stableTop = 0;

  let sawRecv = false;
  let sawInvoke = false;
  const invokedBits = new IdBits();
  const invoked = new Map<number, { canon: string; at: Rec }>();
  const judgedSigs = new Set<string>();
  const viewChangeSent = new Map<string, { view: number; node: string; at: Rec }>();

  const rec = (line: number, event: TraceEvent): Rec => ({ line, event: keep ? event : undefined });
  const nameOf = (i: number): string => header.nodes[i] as string;
  const bit = (i: number): number => 1 << i;

  function violate(name: PbftInvariant, blame: number, v: Omit<Violation, 'invariant'>): void {
    const s = inv[name].blamed;
    const b = s.get(blame);
    if (b === undefined) s.set(blame, { first: { invariant: name, ...v }, order: order++, count: 1 });
    else b.count++;
  }

  const win = windowOf;

  /** Validly signed by the replica it names (always true without keys: structure only). */
  function signed(msg: unknown): boolean {
    return verifier === undefined || verifier.check(msg) !== 'invalid';
  }

  /** The replica a message names, else the event's sender (traces without `replica` fields). */
  function replicaOf(msg: Record<string, unknown>, sender: number): number | undefined {
    const r = msg['replica'];
    return typeof r === 'string' ? index.get(r) : sender;
  }

  function seqOf(seq: number): SeqState | undefined {
    if (seq <= low) return undefined;
    let s = seqs.get(seq);
    if (s === undefined) {
      s = { decisions: [], certs: new Map(), ops: [] };
      seqs.set(seq, s);
    }
    return s;
  }

  function certOf(seq: number, view: number, digest: string): Cert | undefined {
    const s = seqOf(seq);
    if (s === undefined) return undefined;
    const key = `${view}|${digest}`;
    let c = s.certs.get(key);
    if (c === undefined) {
      c = {
        view,
        digest,
        ppAt: new Array<Rec | undefined>(n).fill(undefined),
        prep: new Array<number>(n).fill(0),
        prepAt: Array.from({ length: n }, () => []),
        commit: new Array<number>(n).fill(0),
        commitAt: Array.from({ length: n }, () => []),
        commitJudged: 0,
      };
      s.certs.set(key, c);
    }
    return c;
  }

  /** A well-formed, validly signed pre-prepare by the primary of its view (digest of its request). */
  function goodPrePrepare(m: unknown): m is PrePrepare {
    if (typeof m !== 'object' || m === null) return false;
    const pp = m as Record<string, unknown>;
    const view = pp['view'];
    if (pp['type'] !== 'pre-prepare' || !isCount(view) || !isCount(pp['seq'])) return false;
    if (typeof pp['digest'] !== 'string' || pp['digest'] !== digestOf(pp['value'])) return false;
    const by = pp['replica'];
    if (by !== undefined && by !== primaryOf(header.nodes, view)) return false;
    return signed(pp);
  }

  /** Replica `i` learns a message (it received it, or sent it itself). */
  function learn(i: number, msg: Record<string, unknown>, sender: number, at: Rec): void {
    switch (msg['type']) {
      case 'pre-prepare': {
        if (!goodPrePrepare(msg)) return;
        // Without a `replica` field, the sender must be the primary.
        if (msg.replica === undefined && nameOf(sender) !== primaryOf(header.nodes, msg.view)) return;
        const c = certOf(msg.seq, msg.view, msg.digest);
        if (c !== undefined && c.ppAt[i] === undefined) c.ppAt[i] = at;
        return;
      }
      case 'prepare':
      case 'commit': {
        const { view, seq, digest } = msg as { view?: unknown; seq?: unknown; digest?: unknown };
        if (!isCount(view) || !isCount(seq) || typeof digest !== 'string') return;
        const r = replicaOf(msg, sender);
        if (r === undefined || !signed(msg)) return;
        const c = certOf(seq, view, digest);
        if (c === undefined) return;
        if (msg['type'] === 'prepare') {
          if (nameOf(r) === primaryOf(header.nodes, view) || (c.prep[i]! & bit(r)) !== 0) return;
          c.prep[i]! |= bit(r);
          c.prepAt[i]!.push(at);
        } else {
          if ((c.commit[i]! & bit(r)) !== 0) return;
          c.commit[i]! |= bit(r);
          c.commitAt[i]!.push(at);
        }
        return;
      }
      case 'new-view': {
        const view = msg['view'];
        if (!isCount(view) || !Array.isArray(msg['prePrepares'])) return;
        const r = replicaOf(msg, sender);
        if (r === undefined || nameOf(r) !== primaryOf(header.nodes, view) || !signed(msg)) return;
        for (const pp of msg['prePrepares'] as unknown[]) {
          if (!goodPrePrepare(pp) || pp.view !== view) continue;
          const c = certOf(pp.seq, pp.view, pp.digest);
          if (c !== undefined && c.ppAt[i] === undefined) c.ppAt[i] = at;
        }
        return;
      }
      default:
        return;
    }
  }

  // ---- rules ----

  function judgeSignature(s: number, msg: Record<string, unknown>, at: Rec): void {
    if (verifier === undefined || !PBFT_MESSAGE_TYPES.has(String(msg['type']))) return;
    const name = nameOf(s);
    const named = msg['replica'];
    if (named !== name) {
      inv.signatures.checks++;
      violate('signatures', bit(s), {
        message: `${name} sent a ${String(msg['type'])}${where(msg)} that names ${typeof named === 'string' ? named : 'no replica'} as its replica: a replica signs only as itself.`,
        ...place(msg),
        nodes: [name],
        window: win(at),
      });
      return;
    }
    const status = verifier.check(msg);
    if (status === 'no-key') return; // the header has no usable key for it: not judged
    inv.signatures.checks++;
    if (status === 'invalid') {
      violate('signatures', bit(s), {
        message: `${name}'s ${String(msg['type'])}${where(msg)} carries no valid Ed25519 signature by ${name} over its canonical JSON.`,
        ...place(msg),
        nodes: [name],
        window: win(at),
      });
    }
  }

  function judgeCommit(s: number, msg: Record<string, unknown>, at: Rec): void {
    const { view, seq, digest } = msg as { view?: unknown; seq?: unknown; digest?: unknown };
    if (!isCount(view) || !isCount(seq) || typeof digest !== 'string') return;
    const c = certOf(seq, view, digest);
    if (c === undefined || (c.commitJudged & bit(s)) !== 0) return;
    c.commitJudged |= bit(s);
    inv.certificates.checks++;
    const prepares = popcount(c.prep[s]!);
    if (c.ppAt[s] !== undefined && prepares >= 2 * f) return;
    const name = nameOf(s);
    const had =
      c.ppAt[s] === undefined
        ? `it held no valid pre-prepare from the primary ${primaryOf(header.nodes, view)} for it`
        : `it held the pre-prepare but only ${prepares} matching prepare${prepares === 1 ? '' : 's'} from backups (${maskNames(c.prep[s]!)}); 2f = ${2 * f} are needed`;
    violate('certificates', bit(s), {
      message: `${name} sent a commit for seq ${seq} in view ${view} without a prepared certificate: ${had}.`,
      slot: slotOfSeq(seq),
      view,
      nodes: [name],
      window: win(c.ppAt[s], ...c.prepAt[s]!, at),
    });
  }

  function judgeExecution(x: number, seq: number, digest: string, label: string, at: Rec): void {
    const s = seqs.get(seq);
    if (s === undefined) return;
    inv.certificates.checks++;
    let best: Cert | undefined;
    for (const c of s.certs.values()) {
      if (c.digest !== digest) continue;
      if (popcount(c.commit[x]!) >= quorum) return;
      if (best === undefined || popcount(c.commit[x]!) > popcount(best.commit[x]!)) best = c;
    }
    const name = nameOf(x);
    violate('certificates', bit(x), {
      message: `${name} executed ${label} at seq ${seq} without 2f+1 = ${quorum} matching commits from distinct replicas in any view${best === undefined ? ' (it held none)' : ` (it held ${popcount(best.commit[x]!)} in view ${best.view}: ${maskNames(best.commit[x]!)})`}.`,
      slot: slotOfSeq(seq),
      ...(best === undefined ? {} : { view: best.view }),
      nodes: [name],
      window: win(...(best?.commitAt[x] ?? []), at),
    });
  }

  /** Why a view-change's certificates are not well formed, or undefined when they are. */
  function viewChangeProblem(vc: Record<string, unknown>): string | undefined {
    const view = vc['view'];
    const stable = vc['stable'];
    if (!isCount(view)) return 'it has no view number';
    if (!isCount(stable)) return 'it has no stable checkpoint number';
    const cps = vc['proof'];
    if (stable > 0) {
      const byState = new Map<string, number>();
      for (const cp of Array.isArray(cps) ? (cps as unknown[]) : []) {
        if (typeof cp !== 'object' || cp === null) continue;
        const m = cp as Record<string, unknown>;
        const r = typeof m['replica'] === 'string' ? index.get(m['replica']) : undefined;
        if (m['type'] !== 'checkpoint' || m['seq'] !== stable || typeof m['state'] !== 'string') continue;
        if (r === undefined || !signed(m)) continue;
        byState.set(m['state'], (byState.get(m['state']) ?? 0) | bit(r));
      }
      let most = 0;
      for (const mask of byState.values()) most = Math.max(most, popcount(mask));
      if (most < quorum) {
        return `its proof of the stable checkpoint ${stable} has ${most} matching validly signed checkpoint${most === 1 ? '' : 's'} from distinct replicas; 2f+1 = ${quorum} are needed`;
      }
    }
    const prepared = vc['prepared'];
    if (!Array.isArray(prepared)) return 'it has no prepared list';
    for (const p of prepared as unknown[]) {
      const pp = typeof p === 'object' && p !== null ? (p as { prePrepare?: unknown }).prePrepare : undefined;
      if (!goodPrePrepare(pp)) {
        return 'a prepared certificate holds no valid pre-prepare by the primary of its view';
      }
      if (pp.view >= view)
        return `its certificate for seq ${pp.seq} is from view ${pp.view}, not below ${view}`;
      if (pp.seq <= stable)
        return `its certificate for seq ${pp.seq} is at or below its stable checkpoint ${stable}`;
      const primary = primaryOf(header.nodes, pp.view);
      let mask = 0;
      const list = (p as { prepares?: unknown }).prepares;
      for (const pr of Array.isArray(list) ? (list as unknown[]) : []) {
        if (typeof pr !== 'object' || pr === null) continue;
        const m = pr as Record<string, unknown>;
        const r = typeof m['replica'] === 'string' ? index.get(m['replica']) : undefined;
        if (r === undefined || m['replica'] === primary || m['type'] !== 'prepare') continue;
        if (m['view'] !== pp.view || m['seq'] !== pp.seq || m['digest'] !== pp.digest || !signed(m)) continue;
        mask |= bit(r);
      }
      if (popcount(mask) < 2 * f) {
        return `its prepared certificate for seq ${pp.seq} (view ${pp.view}) has ${popcount(mask)} matching validly signed prepare${popcount(mask) === 1 ? '' : 's'} from distinct backups; 2f = ${2 * f} are needed`;
      }
    }
    return undefined;
  }

  /** Judged once per distinct signed message (a broadcast repeats it). */
  function firstTime(msg: Record<string, unknown>, s: number): boolean {
    const key = `${s}\u0000${typeof msg['sig'] === 'string' ? msg['sig'] : JSON.stringify(msg)}`;
    if (judgedSigs.has(key)) return false;
    if (judgedSigs.size >= JUDGED_LIMIT) judgedSigs.clear();
    judgedSigs.add(key);
    return true;
  }

  function judgeViewChange(s: number, msg: Record<string, unknown>, at: Rec): void {
    if (typeof msg['sig'] === 'string' && isCount(msg['view'])) {
      if (viewChangeSent.size >= JUDGED_LIMIT) viewChangeSent.clear();
      if (!viewChangeSent.has(msg['sig']))
        viewChangeSent.set(msg['sig'], { view: msg['view'], node: nameOf(s), at });
    }
    if (!firstTime(msg, s)) return;
    inv.certificates.checks++;
    const problem = viewChangeProblem(msg);
    if (problem === undefined) return;
    const name = nameOf(s);
    violate('certificates', bit(s), {
      message: `${name}'s view-change${isCount(msg['view']) ? ` for view ${msg['view']}` : ''} is not well formed: ${problem}.`,
      ...(isCount(msg['view']) ? { view: msg['view'] } : {}),
      nodes: [name],
      window: win(at),
    });
  }

  function judgeNewView(s: number, msg: Record<string, unknown>, at: Rec): void {
    if (!firstTime(msg, s)) return;
    inv['new-view'].checks++;
    const name = nameOf(s);
    const view = msg['view'];
    const fail = (why: string, ...extra: Array<Rec | undefined>): void => {
      violate('new-view', bit(s), {
        message: `${name}'s new-view${isCount(view) ? ` for view ${view}` : ''} ${why}.`,
        ...(isCount(view) ? { view } : {}),
        nodes: [name],
        window: win(at, ...extra),
      });
    };
    if (!isCount(view)) return fail('has no view number');
    const primary = primaryOf(header.nodes, view);
    if (name !== primary || (msg['replica'] !== undefined && msg['replica'] !== name)) {
      return fail(`does not come from the primary of view ${view}, ${primary}`);
    }
    // The view-changes: 2f+1 valid ones for this view, from distinct replicas.
    const vcs: Array<Record<string, unknown>> = [];
    let from = 0;
    for (const v of Array.isArray(msg['viewChanges']) ? (msg['viewChanges'] as unknown[]) : []) {
      if (typeof v !== 'object' || v === null) continue;
      const vc = v as Record<string, unknown>;
      const r = typeof vc['replica'] === 'string' ? index.get(vc['replica']) : undefined;
      const who = typeof vc['replica'] === 'string' ? vc['replica'] : 'an unnamed replica';
      if (vc['type'] !== 'view-change' || vc['view'] !== view || r === undefined) {
        return fail(`carries a message from ${who} that is not a view-change for view ${view}`);
      }
      if (!signed(vc)) return fail(`carries a view-change from ${who} without a valid signature`);
      const problem = viewChangeProblem(vc);
      if (problem !== undefined)
        return fail(`carries a view-change from ${who} that is not well formed: ${problem}`);
      if ((from & bit(r)) !== 0) continue;
      from |= bit(r);
      vcs.push(vc);
    }
    if (popcount(from) < quorum) {
      return fail(
        `carries view-changes from ${popcount(from)} distinct replica${popcount(from) === 1 ? '' : 's'} (${maskNames(from) || 'none'}); 2f+1 = ${quorum} are needed`,
      );
    }
    // Recompute O: min-s is the highest stable checkpoint; for each seq above it up to the highest
    // prepared seq, the request of the highest-view prepared certificate, else the null request.
    let minS = 0;
    for (const vc of vcs) minS = Math.max(minS, vc['stable'] as number);
    const chosen = new Map<number, { view: number; digests: Set<string>; op: string; by: string }>();
    for (const vc of vcs) {
      for (const p of vc['prepared'] as Array<{ prePrepare: PrePrepare }>) {
        const pp = p.prePrepare;
        if (pp.seq <= minS) continue;
        const c = chosen.get(pp.seq);
        if (c === undefined || pp.view > c.view) {
          chosen.set(pp.seq, {
            view: pp.view,
            digests: new Set([pp.digest]),
            op: requestLabel(pp.value),
            by: vc['replica'] as string,
          });
        } else if (pp.view === c.view) c.digests.add(pp.digest);
      }
    }
    let maxS = minS;
    for (const seq of chosen.keys()) maxS = Math.max(maxS, seq);
    const bySeq = new Map<number, { digest: string; request: unknown }>();
    for (const p of Array.isArray(msg['prePrepares']) ? (msg['prePrepares'] as unknown[]) : []) {
      const pp: unknown = p;
      if (!goodPrePrepare(pp) || pp.view !== view || (pp.replica !== undefined && pp.replica !== name)) {
        return fail(
          `carries a pre-prepare that is not a validly signed pre-prepare of view ${view} by ${name} (with the digest of its request)`,
        );
      }
      if (pp.seq <= minS || pp.seq > maxS) {
        return fail(
          `pre-prepares seq ${pp.seq}, outside ${minS + 1}..${maxS} (above the highest stable checkpoint ${minS}, up to the highest prepared seq)`,
        );
      }
      if (bySeq.has(pp.seq)) return fail(`pre-prepares seq ${pp.seq} twice`);
      bySeq.set(pp.seq, { digest: pp.digest, request: pp.value });
    }
    const nullDigest = digestOf(NULL_REQUEST);
    for (let seq = minS + 1; seq <= maxS; seq++) {
      const got = bySeq.get(seq);
      const want = chosen.get(seq);
      if (got === undefined) {
        return fail(
          `does not pre-prepare seq ${seq}: ${want === undefined ? 'the null request' : `${want.op} (prepared in view ${want.view}, reported by ${want.by})`} was due`,
          want === undefined ? undefined : vcLine(view, want.by),
        );
      }
      if (want === undefined) {
        if (got.digest !== nullDigest) {
          return fail(
            `pre-prepares ${requestLabel(got.request)} at seq ${seq}, where no view-change reports a prepared request: the null request was due`,
          );
        }
      } else if (!want.digests.has(got.digest)) {
        return fail(
          `pre-prepares ${requestLabel(got.request)} at seq ${seq}, but the view-change from ${want.by} proves ${want.op} prepared there in view ${want.view}: the new view must re-propose it`,
          vcLine(view, want.by),
        );
      }
    }
    // View-changes of earlier views are no longer needed for windows.
    for (const [sig, v] of viewChangeSent) if (v.view <= view) viewChangeSent.delete(sig);
  }

  /** Where `by` sent its view-change for `view` (for a window), when the trace shows it. */
  function vcLine(view: number, by: string): Rec | undefined {
    for (const v of viewChangeSent.values()) if (v.view === view && v.node === by) return v.at;
    return undefined;
  }

  function onDecide(x: number, seq: number, value: unknown, at: Rec): void {
    const node = nodes[x] as NodeState;
    const name = nameOf(x);
    const digest = digestOf(value);
    const label = requestLabel(value);
    // The contiguous executed prefix (for compaction).
    if (seq === node.prefix + 1) {
      node.prefix++;
      while (node.ahead.delete(node.prefix + 1)) node.prefix++;
    } else if (seq > node.prefix + 1) node.ahead.add(seq);

    // validity
    if (!isNullRequest(value)) {
      inv.validity.checks++;
      if (sawInvoke) judgeValidity(x, seq, value, label, at);
    }
    if (seq <= low) {
      onSettledDecide(x, seq, digest, at);
      return;
    }
    const s = seqOf(seq) as SeqState;
    // integrity
    inv.integrity.checks++;
    const before = node.executed.get(seq);
    const mine = s.decisions.find((d) => d.node === x);
    if (before !== undefined) {
      violate('integrity', bit(x), {
        message: `${name} executed seq ${seq} twice without restarting in between.`,
        slot: slotOfSeq(seq),
        nodes: [name],
        window: win(before, at),
      });
    } else if (mine !== undefined && mine.digest !== digest) {
      violate('integrity', bit(x), {
        message: `${name} executed seq ${seq} again after restarting, with ${label} instead of ${mine.label}.`,
        slot: slotOfSeq(seq),
        nodes: [name],
        window: win(mine.at, node.restartAt, at),
      });
    }
    node.executed.set(seq, at);
    // agreement
    inv.agreement.checks++;
    if (mine === undefined) {
      for (const o of s.decisions) {
        if (o.digest === digest) continue;
        const other = nameOf(o.node);
        violate('agreement', bit(x) | bit(o.node), {
          message: `${other} and ${name} executed different requests at seq ${seq}: ${o.label} and ${label}.`,
          slot: slotOfSeq(seq),
          nodes: [other, name],
          window: win(o.at, at),
        });
      }
      s.decisions.push({ node: x, digest, label, at });
      for (const op of opsIn(value)) if (!s.ops.includes(op)) s.ops.push(op);
    }
    // certificates: the commit quorum behind the execution
    judgeExecution(x, seq, digest, label, at);
    compact();
  }

  function judgeValidity(x: number, seq: number, value: unknown, label: string, at: Rec): void {
    const name = nameOf(x);
    const op = opsIn(value)[0];
    if (op === undefined || !invokedBits.has(op)) {
      violate('validity', bit(x), {
        message: `${name} executed ${label} at seq ${seq}, which no client invoked before.`,
        slot: slotOfSeq(seq),
        nodes: [name],
        window: win(at),
      });
      return;
    }
    const inv0 = invoked.get(op);
    if (inv0 !== undefined && inv0.canon !== commandCanon(value)) {
      violate('validity', bit(x), {
        message: `${name} executed ${label} at seq ${seq} with another operation, key or value than the client invoked.`,
        slot: slotOfSeq(seq),
        nodes: [name],
        window: win(inv0.at, at),
      });
    }
  }

  function onSettledDecide(x: number, seq: number, digest: string, at: Rec): void {
    const name = nameOf(x);
    inv.integrity.checks++;
    inv.agreement.checks++;
    const node = nodes[x] as NodeState;
    if (!settled.has(seq)) return; // compacted without any execution recorded
    if ((settled.ever(seq) & bit(x)) !== 0 && node.restartLine < settled.line(seq)) {
      violate('integrity', bit(x), {
        message: `${name} executed seq ${seq} again without restarting (it had executed it before the seq was compacted at line ${settled.line(seq)}).`,
        slot: slotOfSeq(seq),
        nodes: [name],
        window: win(at),
      });
    }
    if (hash32(digest) !== settled.hash(seq) && (settled.ever(seq) & ~bit(x)) !== 0) {
      const by = settled.by(seq);
      violate('agreement', bit(x) | bit(by), {
        message: `${name} executed a different request at seq ${seq} than the one ${nameOf(by)} (and every replica past the stable checkpoint) executed at line ${settled.firstLine(seq)}.`,
        slot: slotOfSeq(seq),
        nodes: [nameOf(by), name],
        window: win(at),
      });
    }
    settled.addEver(seq, bit(x));
  }

  function onCheckpoint(msg: Record<string, unknown>, sender: number): void {
    const { seq, state } = msg as { seq?: unknown; state?: unknown };
    if (!isCount(seq) || seq <= low || typeof state !== 'string') return;
    const r = replicaOf(msg, sender);
    if (r === undefined || !signed(msg)) return;
    let byState = checkpoints.get(seq);
    if (byState === undefined) {
      byState = new Map();
      checkpoints.set(seq, byState);
    }
    const mask = (byState.get(state) ?? 0) | bit(r);
    if (mask === byState.get(state)) return;
    byState.set(state, mask);
    if (popcount(mask) !== quorum) return;
    // A new stable checkpoint.
    let k = stableSeqs.length;
    while (k > 0 && (stableSeqs[k - 1] as number) > seq) k--;
    if (stableSeqs[k - 1] !== seq) stableSeqs.splice(k, 0, seq);
    if (seq > stableTop) stableTop = seq;
    compact();
  }

  /**
   * Drops the per-seq state at or below the highest stable checkpoint that every replica not
   * (yet) known faulty has executed past, or that lies COMPACT_LAG seqs behind the highest one.
   */
  function compact(): void {
    if (stableSeqs.length === 0) return;
    let passed = Infinity;
    for (let i = 0; i < n; i++) if ((faulty & bit(i)) === 0) passed = Math.min(passed, nodes[i]!.prefix);
    let upTo = -1;
    let k = 0;
    for (; k < stableSeqs.length; k++) {
      const s = stableSeqs[k] as number;
      if (s <= passed || s <= stableTop - COMPACT_LAG) upTo = s;
      else break;
    }
    if (upTo < 0) return;
    stableSeqs.splice(0, k);
    for (const [seq, s] of seqs) {
      if (seq > upTo) continue;
      const first = s.decisions[0];
      if (first !== undefined) {
        let ever = 0;
        for (const d of s.decisions) ever |= bit(d.node);
        settled.add(seq, hash32(first.digest), lastLine, first.at.line, first.node, 0, ever);
      }
      for (const op of s.ops) invoked.delete(op);
      seqs.delete(seq);
      for (const node of nodes) node.executed.delete(seq);
    }
    for (const seq of checkpoints.keys()) if (seq <= upTo) checkpoints.delete(seq);
    low = Math.max(low, upTo);
    // A replica that skipped compacted seqs (a state transfer to a stable checkpoint never
    // executes them) goes on from there: left behind, its prefix would hold every later
    // compaction back to the lag limit and `ahead` would grow with each of its executions.
    for (const node of nodes) {
      if (node.prefix >= low) continue;
      node.prefix = low;
      for (const q of node.ahead) if (q <= low) node.ahead.delete(q);
      while (node.ahead.delete(node.prefix + 1)) node.prefix++;
    }
  }

  let lastLine = 0;

  return {
    event(ev: TraceEvent, line: number): void {
      lastLine = line;
      switch (ev.kind) {
        case 'send':
        case 'recv': {
          const self = index.get(ev.node);
          const peer = index.get(ev.kind === 'send' ? ev.to : ev.from);
          if (self === undefined) break;
          const msg = ev.msg as Record<string, unknown>;
          const at = rec(line, ev);
          if (ev.kind === 'recv') {
            sawRecv = true;
            if (peer !== undefined) learn(self, msg, peer, at);
            break;
          }
          if (ev.adversarial === true) faulty |= bit(self);
          else {
            judgeSignature(self, msg, at);
            switch (msg['type']) {
              case 'commit':
                judgeCommit(self, msg, at);
                break;
              case 'view-change':
                judgeViewChange(self, msg, at);
                break;
              case 'new-view':
                judgeNewView(self, msg, at);
                break;
              default:
                break;
            }
          }
          learn(self, msg, self, at);
          // Without recv events, a message sent to a replica stands for what it received.
          if (!sawRecv && peer !== undefined && peer !== self) learn(peer, msg, self, at);
          if (msg['type'] === 'checkpoint') onCheckpoint(msg, self);
          break;
        }
        case 'decide': {
          const x = index.get(ev.node);
          if (x === undefined || !isCount(ev.slot)) break;
          // A replica that executes seq writes slot seq - 1.
          onDecide(x, ev.slot + 1, ev.value, rec(line, ev));
          break;
        }
        case 'restart': {
          const x = index.get(ev.node);
          if (x === undefined) break;
          const node = nodes[x] as NodeState;
          node.executed = new Map();
          node.restartAt = rec(line, ev);
          node.restartLine = line;
          break;
        }
        case 'invoke':
          sawInvoke = true;
          invokedBits.add(ev.op);
          invoked.set(ev.op, { canon: commandCanon(ev), at: rec(line, ev) });
          break;
        case 'crash':
        case 'state':
        case 'persist':
        case 'timer':
        case 'fault':
        case 'heal':
        case 'reconfig':
        case 'ok':
        case 'fail':
        case 'info':
          break; // nothing a PBFT safety rule reads (replies are checked by the client, not here)
        default:
          break; // x- extension events
      }
    },

    finish(_end: TraceEnd): InvariantResult[] {
      settled.close();
      if (!sawInvoke) inv.validity.skipped = 'the trace has no client operations';
      if (verifier === undefined) {
        inv.signatures.skipped = 'the header has no params.publicKeys: signatures cannot be verified';
      } else if (inv.signatures.checks === 0) {
        inv.signatures.skipped =
          verifier.problems.length > 0
            ? `no message could be verified: ${verifier.problems.join('; ')}`
            : 'the trace has no replica messages';
      }
      if (inv.certificates.checks === 0) {
        inv.certificates.skipped = 'the trace has no commits, executions or view-changes';
      }
      if (inv['new-view'].checks === 0) inv['new-view'].skipped = 'the trace has no new-view messages';
      return names.map((name) => {
        const s = inv[name];
        const base = { name, description: PBFT_INVARIANTS[name], checks: s.checks };
        let first: Blamed | undefined;
        let count = 0;
        for (const [blame, b] of s.blamed) {
          if ((blame & faulty) !== 0) continue; // a faulty replica's own act: not a verdict
          count += b.count;
          if (first === undefined || b.order < first.order) first = b;
        }
        if (first !== undefined)
          return { ...base, status: 'violated', violation: first.first, violations: count };
        if (s.skipped !== undefined) return { ...base, status: 'skipped', reason: s.skipped };
        return { ...base, status: 'holds' };
      });
    },

    openSeqs: () => seqs.size,
  };

  function maskNames(mask: number): string {
    const out: string[] = [];
    for (let i = 0; i < n; i++) if ((mask & bit(i)) !== 0) out.push(nameOf(i));
    return out.join(', ');
  }
}

/** ` for seq 3 in view 1`, as far as the message says. */
function where(msg: Record<string, unknown>): string {
  const seq = msg['seq'];
  const view = msg['view'];
  return `${isCount(seq) ? ` for seq ${seq}` : ''}${isCount(view) ? ` in view ${view}` : ''}`;
}

function place(msg: Record<string, unknown>): { slot?: number; view?: number } {
  const seq = msg['seq'];
  const view = msg['view'];
  return { ...(isCount(seq) && seq > 0 ? { slot: slotOfSeq(seq) } : {}), ...(isCount(view) ? { view } : {}) };
}

/** `request op 3 (write x)`, or `the null request`. */
function requestLabel(v: unknown): string {
  if (isNullRequest(v)) return 'the null request';
  if (typeof v !== 'object' || v === null) return `the request ${JSON.stringify(v) ?? 'null'}`;
  const r = v as { op?: unknown; f?: unknown; key?: unknown };
  const what = [r.f, r.key].filter((x) => typeof x === 'string').join(' ');
  return `request op ${String(r.op)}${what === '' ? '' : ` (${what})`}`;
}

/** What a client asked, as canonical text: operation, key and value (op ids are compared apart). */
function commandCanon(v: unknown): string {
  const { f, key, value } = (typeof v === 'object' && v !== null ? v : {}) as {
    f?: unknown;
    key?: unknown;
    value?: unknown;
  };
  return canonicalJson({ f, key, value });
}
