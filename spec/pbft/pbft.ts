// PBFT (Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999) as a Model: the
// executable twin of tla/PBFT.tla. Normal case, view change and new view, with f Byzantine replicas.
//
// The algorithm. n replicas r0..r(n-1) tolerate f arbitrary (Byzantine) ones; a quorum is any 2f+1
// replicas. Views are numbered; the primary of view v is r(v mod n). Sequence numbers 1..maxSeq are
// the slots of the log; each slot ends up bound to a client request or to the null request (a no-op).
//
//   Request(c)           a client sends (or re-sends) its signed request c.
//   PrePrepare(v, s, c)  the primary of v binds request c to slot s: PRE-PREPARE(v, s, c).
//   Prepare(i, v, s, x)  backup i, in view v, accepts the pre-prepare for (v, s) if it accepted no
//                        other one for (v, s), and multicasts PREPARE(v, s, x, i).
//   Commit(i, v, s, x)   replica i is *prepared* for (v, s, x) once it holds the pre-prepare and 2f
//                        matching prepares from distinct backups (2f+1 signers with the primary); it
//                        multicasts COMMIT(v, s, x, i).
//   (reply)              i is *committed-local* for (s, x) once it is prepared and holds 2f+1 matching
//                        commits of one view; having executed slots 1..s-1 it executes x and replies.
//                        A client accepts a result after f+1 matching replies (one is honest).
//   ViewChange(i, v)     on a timeout i moves to view v = view+1, stops taking part in lower views and
//                        multicasts VIEW-CHANGE(v, i, P): P holds, per slot, its highest-view
//                        prepared certificate (the pre-prepare and 2f prepares, all signed).
//   NewView(v, O)        the primary of v, holding 2f+1 view-changes V for v (its own included),
//                        computes O: for each slot up to the highest one with a certificate in V,
//                        a pre-prepare in view v of the request of the highest-view certificate
//                        for that slot, or of the null request when V has none. It multicasts
//                        NEW-VIEW(v, V, O); slots above are free for new requests in view v.
//   AcceptNewView(i, v, O)  backup i checks that O is what V yields, enters view v and multicasts
//                        a prepare for each pre-prepare in O.
//
// Why it is safe. Two quorums of 2f+1 out of 3f+1 share f+1 replicas, so at least one honest one.
// (1) Within a view: a prepared certificate for (v, s, x) has 2f+1 signers; two for (v, s) with
// different requests would share an honest replica that accepted two pre-prepares for (v, s), which
// an honest backup never does and an honest primary never sends. (2) Across views: if x is
// committed at (v, s), 2f+1 replicas sent COMMIT(v, s, x), at least f+1 of them honest and prepared.
// Any 2f+1 view-changes for a later view v' include one of those, sent after its commit (an honest
// replica stops working in v when it leaves it), so V holds a certificate for s of view >= v. By
// induction on the views between v and v', every valid certificate for s of such a view is for x
// (its honest signers prepared x), so the highest one in V is for x and O re-proposes x at s: the
// committed request survives into every later view (ViewChangeSafety), hence Agreement.
//
// The abstraction (what keeps the state space small, and why it is sound).
// - The network is the grow-only set `msgs` (as in Paxos.tla): loss, duplication and reordering are
//   behaviours of the spec. Receiving is implicit: a guard reads msgs.
// - Replicas r0..r(f-1) are faulty; the others are honest. So with f >= 1 the primary of view 0 is
//   Byzantine, and the view change starts from what it did. Only honest replicas have state
//   (`view`, `active`) and only their messages are stored. A faulty replica is counted in every
//   quorum as having sent whatever message helps: for each (v, s, x) at once. This covers every
//   adversary behaviour: it can equivocate (support two conflicting certificates, send honest
//   backups different pre-prepares or different NEW-VIEWs: each honest acceptor chooses), stay
//   silent (a guard "there exist 2f+1 signers" is weakest when faulty replicas always sign, and
//   every guard here is monotone in the messages present, so every step a real run takes with
//   silent or partial faulty help is enabled here too), and lie in VIEW-CHANGE: its P may omit any
//   certificate or report any certificate that is *valid*, i.e. whose 2f+1 signers are faulty ones
//   plus honest ones whose pre-prepare and prepares are in msgs. It cannot forge honest
//   signatures: honest messages enter msgs only through honest actions, each taken only under its
//   rule.
// - Client requests carry client signatures, so a faulty primary can pre-prepare only requests
//   some client sent (REQUEST in msgs), and the null request only inside a valid O. Clients may
//   re-send a request at any time (a stuttering step), so no state is a deadlock.
// - An honest replica's prepared certificates are its COMMIT messages (it commits exactly when it
//   becomes prepared), so the P of VIEW-CHANGE(v, i) is read from i's commits of views below v,
//   which are frozen once i has left them. Committed-local is read from msgs too, whatever view i
//   is in by then: a stronger Agreement than the paper's, which it implies.
// - Replies are read from the state, not stored: an honest replica replies to c at slot s once it
//   is committed-local for every slot 1..s (it executes in order). No replica reads a reply, so a
//   reply step would only multiply the states (about five-fold at maxSeq 2) without adding any
//   behaviour a safety property can see.
// - An honest primary binds slots in order and a request at most once per view. Checkpoints,
//   watermarks, garbage collection and MACs are left out; slots are bounded by maxSeq, views by
//   maxView.
//
// Quorums stay 2f+1 whatever n is, so --replicas and --faulty are independent: with n <= 3f+1 two
// quorums still share an honest replica (n < 3f+1 only costs liveness in a real system), while with
// n >= 3f+2 two quorums may meet only in faulty replicas and the checker refutes safety (5 replicas
// with 1 faulty: Agreement in view 0; 4 replicas with 0 faulty, quorums of 1: ViewChangeSafety).
//
// Known-bad variants: `small-quorums` (quorums of 2f: a faulty primary gets two different
// requests committed at one slot) and `ignore-prepared` (the new primary leaves O empty and
// re-proposes freely, so a request committed in view 0 is replaced in view 1).

import {
  always,
  sometimes,
  Universe,
  type FiniteSet,
  type Model,
  type Property,
} from '../../model-check/index.js';

/** The constants of a PBFT instance. */
export interface PbftConstants {
  /** Number of replicas n (at least 2f+1, so that a quorum exists). */
  replicas: number;
  /** Number of faulty replicas f: r0..r(f-1). Quorums are 2f+1 replicas. */
  faulty: number;
  /** Views are 0..maxView. */
  maxView: number;
  /** Sequence numbers (slots) are 1..maxSeq. */
  maxSeq: number;
  /** Number of client requests c1..cK. */
  requests: number;
}

/** The correct protocol, or a known-bad variant the checker must refute. */
export type PbftVariant = 'correct' | 'small-quorums' | 'ignore-prepared';

/** Every variant, the correct one first. */
export const pbftVariants: readonly PbftVariant[] = ['correct', 'small-quorums', 'ignore-prepared'];

/** What a slot is bound to: a client request (0-based index: 0 is `c1`) or null, the null request. */
export type Value = number | null;

/** One pre-prepare of a NEW-VIEW's O: slot `seq` is bound to `val`. Slots not listed are free. */
export interface OEntry {
  readonly seq: number;
  readonly val: Value;
}

/** The messages honest replicas and clients send (faulty replicas' messages are not stored). */
export type Message =
  | { readonly type: 'request'; readonly req: number }
  | { readonly type: 'pre-prepare'; readonly view: number; readonly seq: number; readonly val: Value }
  | {
      readonly type: 'prepare';
      readonly view: number;
      readonly seq: number;
      readonly val: Value;
      readonly rep: number;
    }
  | {
      readonly type: 'commit';
      readonly view: number;
      readonly seq: number;
      readonly val: Value;
      readonly rep: number;
    }
  | { readonly type: 'view-change'; readonly view: number; readonly rep: number }
  | { readonly type: 'new-view'; readonly view: number; readonly o: readonly OEntry[] };

/**
 * A PBFT state: the TLA+ variables. `view` and `active` are indexed by replica; the entries of the
 * faulty replicas r0..r(f-1) are fixed (-1 and false): their state is not modelled.
 */
export interface PbftState {
  /** The view each honest replica is in. */
  readonly view: readonly number[];
  /** False between leaving a view (VIEW-CHANGE) and accepting the next view's NEW-VIEW. */
  readonly active: readonly boolean[];
  /** Every message sent so far by clients and honest replicas. */
  readonly msgs: FiniteSet<Message>;
}

/**
 * The actions of the TLA+ spec's `Next`. `i` is a replica, `v` a view, `s` a slot (1-based), `c` a
 * request (0-based), `x` a request or null, `o` the O of a NEW-VIEW.
 */
export type PbftAction =
  | { readonly kind: 'Request'; readonly c: number }
  | { readonly kind: 'PrePrepare'; readonly v: number; readonly s: number; readonly c: number }
  | {
      readonly kind: 'Prepare';
      readonly i: number;
      readonly v: number;
      readonly s: number;
      readonly x: Value;
    }
  | { readonly kind: 'Commit'; readonly i: number; readonly v: number; readonly s: number; readonly x: Value }
  | { readonly kind: 'ViewChange'; readonly i: number; readonly v: number }
  | { readonly kind: 'NewView'; readonly v: number; readonly o: readonly OEntry[] }
  | { readonly kind: 'AcceptNewView'; readonly i: number; readonly v: number; readonly o: readonly OEntry[] };

/** Options of {@link pbft}. */
export interface PbftOptions extends PbftConstants {
  /** `'correct'` (default) or a known-bad variant. */
  variant?: PbftVariant;
}

function checkConstant(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`pbft: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

/** All subsets of `0..n-1` with exactly `k` members, as sorted arrays, in lexicographic order. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let first = 0; first <= n - k; first++) {
    for (const rest of subsets(n - first - 1, k - 1)) out.push([first, ...rest.map((i) => i + first + 1)]);
  }
  return out;
}

/** Names used in actions, states and the TLA+ configs. */
export const replicaName = (i: number): string => `r${i}`;
export const valueName = (x: Value): string => (x === null ? 'null' : `c${x + 1}`);

/**
 * Build the PBFT model for the given constants.
 *
 * @example
 * ```ts
 * import { check } from 'synod/model-check';
 * import { pbft } from 'synod/spec';
 * const result = check(pbft({ replicas: 4, faulty: 1, maxView: 1, maxSeq: 1, requests: 2 }));
 * // result.status === 'ok'
 * ```
 */
export function pbft(options: PbftOptions): Model<PbftState, PbftAction> {
  const { replicas: N, faulty: F, maxView, maxSeq: S, requests: K } = options;
  const variant = options.variant ?? 'correct';
  checkConstant('faulty', F, 0);
  checkConstant('replicas', N, 1);
  checkConstant('maxView', maxView, 0);
  checkConstant('maxSeq', S, 1);
  checkConstant('requests', K, 1);
  if (!pbftVariants.includes(variant)) {
    throw new RangeError(`pbft: unknown variant ${JSON.stringify(variant)}`);
  }
  if (N < 2 * F + 1) {
    throw new RangeError(
      `pbft: replicas must be at least 2 * faulty + 1 = ${2 * F + 1} so that a quorum of 2f+1 exists, got ${N}`,
    );
  }
  if (variant === 'small-quorums' && F === 0) {
    throw new RangeError('pbft: the small-quorums variant (quorums of 2f) needs faulty >= 1');
  }
  const V = maxView + 1;
  const X = K + 1; // values: requests 0..K-1, then the null request
  const NULL = K;
  const FREE = K + 1; // an O slot code: no pre-prepare for this slot
  const SLOTS = K + 2;
  const OCOUNT = SLOTS ** S;
  const q = variant === 'small-quorums' ? 2 * F : 2 * F + 1;
  const quorums = subsets(N, q);
  const primary = (v: number): number => v % N;
  const isFaulty = (i: number): boolean => i < F;
  const valueOf = (x: number): Value => (x === NULL ? null : x);
  const codeOf = (x: Value): number => (x === null ? NULL : x);

  // O tables: index = sum of code(s) * SLOTS^s over slots s = 0..S-1, code FREE for a free slot.
  const oEntries: OEntry[][] = [];
  for (let o = 0; o < OCOUNT; o++) {
    const entries: OEntry[] = [];
    let rest = o;
    for (let s = 0; s < S; s++) {
      const code = rest % SLOTS;
      rest = Math.floor(rest / SLOTS);
      if (code !== FREE) entries.push({ seq: s + 1, val: valueOf(code) });
    }
    oEntries.push(entries);
  }
  /** The index of an O in the tables above. */
  const oIndexOf = (o: readonly OEntry[]): number => {
    let index = 0;
    let e = o.length - 1;
    for (let s = S - 1; s >= 0; s--) {
      const entry = o[e];
      const bound = entry !== undefined && entry.seq === s + 1;
      if (bound) e--;
      index = index * SLOTS + (bound ? codeOf(entry.val) : FREE);
    }
    return index;
  };

  // The message universe, one contiguous index range per type.
  const offPP = K;
  const offPrep = offPP + V * S * X;
  const offCom = offPrep + V * S * X * N;
  const offVC = offCom + V * S * X * N;
  const offNV = offVC + V * N;
  const items: Message[] = [];
  for (let c = 0; c < K; c++) items.push({ type: 'request', req: c });
  for (let v = 0; v < V; v++)
    for (let s = 0; s < S; s++)
      for (let x = 0; x < X; x++) items.push({ type: 'pre-prepare', view: v, seq: s + 1, val: valueOf(x) });
  for (const type of ['prepare', 'commit'] as const) {
    for (let v = 0; v < V; v++)
      for (let s = 0; s < S; s++)
        for (let x = 0; x < X; x++)
          for (let i = 0; i < N; i++) items.push({ type, view: v, seq: s + 1, val: valueOf(x), rep: i });
  }
  for (let v = 0; v < V; v++)
    for (let i = 0; i < N; i++) items.push({ type: 'view-change', view: v, rep: i });
  for (let v = 0; v < V; v++)
    for (let o = 0; o < OCOUNT; o++) items.push({ type: 'new-view', view: v, o: oEntries[o]! });
  const universe = new Universe<Message>(items, (m) => JSON.stringify(m));
  // Index functions take 0-based slots and value codes (NULL for the null request).
  const iReq = (c: number): number => c;
  const iPP = (v: number, s: number, x: number): number => offPP + (v * S + s) * X + x;
  const iPrep = (v: number, s: number, x: number, i: number): number =>
    offPrep + ((v * S + s) * X + x) * N + i;
  const iCom = (v: number, s: number, x: number, i: number): number => offCom + ((v * S + s) * X + x) * N + i;
  const iVC = (v: number, i: number): number => offVC + v * N + i;
  const iNV = (v: number, o: number): number => offNV + v * OCOUNT + o;

  // Every action object is built once; `actions` pushes these shared instances.
  const grid = <T>(n: number, f: (k: number) => T): T[] => Array.from({ length: n }, (_, k) => f(k));
  const requestAct = grid(K, (c) => ({ kind: 'Request', c }) as const);
  const prePrepareAct = grid(V, (v) =>
    grid(S, (s) => grid(K, (c) => ({ kind: 'PrePrepare', v, s: s + 1, c }) as const)),
  );
  const perReplica = <T extends 'Prepare' | 'Commit'>(kind: T) =>
    grid(N, (i) =>
      grid(V, (v) => grid(S, (s) => grid(X, (x) => ({ kind, i, v, s: s + 1, x: valueOf(x) }) as const))),
    );
  const prepareAct = perReplica('Prepare');
  const commitAct = perReplica('Commit');
  const viewChangeAct = grid(N, (i) => grid(V, (v) => ({ kind: 'ViewChange', i, v }) as const));
  const newViewAct = grid(V, (v) => grid(OCOUNT, (o) => ({ kind: 'NewView', v, o: oEntries[o]! }) as const));
  const acceptAct = grid(N, (i) =>
    grid(V, (v) => grid(OCOUNT, (o) => ({ kind: 'AcceptNewView', i, v, o: oEntries[o]! }) as const)),
  );

  /** Backups of view v that sent (or, faulty, may be taken to have sent) PREPARE(v, s, x). */
  const prepareCount = (msgs: FiniteSet<Message>, v: number, s: number, x: number): number => {
    const p = primary(v);
    let n = 0;
    for (let i = 0; i < N; i++) if (i !== p && (isFaulty(i) || msgs.hasIndex(iPrep(v, s, x, i)))) n++;
    return n;
  };
  /** A prepared certificate for (v, s, x) can be shown: the pre-prepare and q-1 prepares. */
  const validCert = (msgs: FiniteSet<Message>, v: number, s: number, x: number): boolean =>
    (isFaulty(primary(v)) || msgs.hasIndex(iPP(v, s, x))) && prepareCount(msgs, v, s, x) >= q - 1;
  /** Replicas that sent (or, faulty, may be taken to have sent) COMMIT(v, s, x). */
  const commitCount = (msgs: FiniteSet<Message>, v: number, s: number, x: number): number => {
    let n = 0;
    for (let i = 0; i < N; i++) if (isFaulty(i) || msgs.hasIndex(iCom(v, s, x, i))) n++;
    return n;
  };
  /** Honest i is committed-local for (s, x): its own commit and a quorum of commits in one view. */
  const committedAt = (msgs: FiniteSet<Message>, i: number, s: number, x: number): boolean => {
    for (let v = 0; v < V; v++)
      if (msgs.hasIndex(iCom(v, s, x, i)) && commitCount(msgs, v, s, x) >= q) return true;
    return false;
  };
  /** Whether some honest replica is committed-local for (v, s, x). */
  const committedIn = (msgs: FiniteSet<Message>, v: number, s: number, x: number): boolean => {
    if (commitCount(msgs, v, s, x) < q) return false;
    for (let i = F; i < N; i++) if (msgs.hasIndex(iCom(v, s, x, i))) return true;
    return false;
  };
  /** The value honest i accepted for (v, s) in view v (its prepare, or as primary the pre-prepare), or -1. */
  const acceptedValue = (msgs: FiniteSet<Message>, i: number, v: number, s: number): number => {
    const own = i === primary(v);
    for (let x = 0; x < X; x++) if (msgs.hasIndex(own ? iPP(v, s, x) : iPrep(v, s, x, i))) return x;
    return -1;
  };

  // Scratch for the O computation.
  const sender = new Uint8Array(N);
  const choice = new Int32Array(S); // per slot: bit mask over slot codes (values, FREE)
  const codes = new Int32Array(S);
  const mark = new Uint8Array(OCOUNT);
  const admissibleList = grid(V, () => new Int32Array(OCOUNT));
  const admissibleCount = new Int32Array(V);
  const allFree = oIndexOf([]);

  /** Mark the O reached by every combination of the slot choices, normalised (gaps become null). */
  const markProduct = (s: number): void => {
    if (s === S) {
      let top = -1;
      for (let t = 0; t < S; t++) if (codes[t] !== FREE) top = t;
      let o = 0;
      for (let t = S - 1; t >= 0; t--) o = o * SLOTS + (t < top && codes[t] === FREE ? NULL : codes[t]!);
      mark[o] = 1;
      return;
    }
    for (let c = 0; c < SLOTS; c++) {
      if ((choice[s]! & (1 << c)) === 0) continue;
      codes[s] = c;
      markProduct(s + 1);
    }
  };

  /**
   * The O sets a NEW-VIEW for view v may carry, given msgs, into admissibleList[v] (ascending);
   * returns how many. One per quorum Q of view-change senders and per choice of the faulty members
   * of Q: each may add any valid certificate of a view below v, or none.
   */
  const admissible = (msgs: FiniteSet<Message>, v: number): number => {
    for (let i = 0; i < N; i++) sender[i] = isFaulty(i) || msgs.hasIndex(iVC(v, i)) ? 1 : 0;
    mark.fill(0);
    let any = false;
    for (const Q of quorums) {
      if (!Q.every((i) => sender[i] === 1)) continue;
      any = true;
      if (variant === 'ignore-prepared') {
        mark[allFree] = 1;
        continue;
      }
      const liar = Q.some(isFaulty);
      for (let s = 0; s < S; s++) {
        // The highest-view certificates the honest members of Q report for slot s.
        let best = -1;
        let mask = 0;
        for (const i of Q) {
          if (isFaulty(i)) continue;
          let found = false;
          for (let w = v - 1; w >= best && w >= 0 && !found; w--) {
            for (let x = 0; x < X; x++) {
              if (!msgs.hasIndex(iCom(w, s, x, i))) continue;
              if (w > best) {
                best = w;
                mask = 0;
              }
              mask |= 1 << x;
              found = true;
            }
          }
        }
        if (best < 0) mask = 1 << FREE;
        if (liar) {
          for (let w = Math.max(best, 0); w < v; w++) {
            for (let x = 0; x < X; x++) if (validCert(msgs, w, s, x)) mask |= 1 << x;
          }
        }
        choice[s] = mask;
      }
      markProduct(0);
    }
    let n = 0;
    if (any) {
      const list = admissibleList[v]!;
      for (let o = 0; o < OCOUNT; o++) if (mark[o] === 1) list[n++] = o;
    }
    admissibleCount[v] = n;
    return n;
  };

  /**
   * Honest replicas that reply to request c for slot s: committed-local for c at s and for some
   * value at every slot before s (they execute in slot order).
   */
  const repliers = (msgs: FiniteSet<Message>, s: number, c: number): number => {
    let n = 0;
    for (let i = F; i < N; i++) {
      if (!committedAt(msgs, i, s, c)) continue;
      let ready = true;
      for (let t = 0; t < s && ready; t++) {
        ready = false;
        for (let x = 0; x < X && !ready; x++) ready = committedAt(msgs, i, t, x);
      }
      if (ready) n++;
    }
    return n;
  };
  const issued = (msgs: FiniteSet<Message>, c: number): boolean => msgs.hasIndex(iReq(c));

  const committedMask = (msgs: FiniteSet<Message>, s: number): number => {
    let mask = 0;
    for (let v = 0; v < V; v++) for (let x = 0; x < X; x++) if (committedIn(msgs, v, s, x)) mask |= 1 << x;
    return mask;
  };
  const popcount = (m: number): number => {
    let n = 0;
    for (let b = m; b !== 0; b &= b - 1) n++;
    return n;
  };
  /** A message from an honest replica binding slot s to a value other than x in a view above v. */
  const laterConflict = (msgs: FiniteSet<Message>, v: number, s: number, x: number): boolean => {
    for (let w = v + 1; w < V; w++) {
      for (let y = 0; y < X; y++) {
        if (y === x) continue;
        if (!isFaulty(primary(w)) && msgs.hasIndex(iPP(w, s, y))) return true;
        for (let i = F; i < N; i++)
          if (msgs.hasIndex(iPrep(w, s, y, i)) || msgs.hasIndex(iCom(w, s, y, i))) return true;
      }
    }
    return false;
  };

  const properties: Property<PbftState>[] = [
    always<PbftState>(
      'Agreement',
      (st) => {
        for (let s = 0; s < S; s++) if (popcount(committedMask(st.msgs, s)) > 1) return false;
        return true;
      },
      'honest replicas never commit different requests at the same sequence number, in any views',
    ),
    always<PbftState>(
      'Validity',
      (st) => {
        for (let s = 0; s < S; s++) {
          const mask = committedMask(st.msgs, s);
          for (let c = 0; c < K; c++) if ((mask & (1 << c)) !== 0 && !issued(st.msgs, c)) return false;
        }
        return true;
      },
      'a committed request (other than the null request) was sent by a client',
    ),
    always<PbftState>(
      'ViewChangeSafety',
      (st) => {
        for (let v = 0; v < V - 1; v++)
          for (let s = 0; s < S; s++)
            for (let x = 0; x < X; x++)
              if (committedIn(st.msgs, v, s, x) && laterConflict(st.msgs, v, s, x)) return false;
        return true;
      },
      'a request committed in view v at slot s is the only one honest replicas pre-prepare, prepare or commit at s in any later view',
    ),
    sometimes<PbftState>(
      'RequestCommitted',
      (st) => {
        for (let s = 0; s < S; s++) if ((committedMask(st.msgs, s) & ((1 << K) - 1)) !== 0) return true;
        return false;
      },
      'some client request can be committed',
    ),
    sometimes<PbftState>(
      'RequestAccepted',
      (st) => {
        // f+1 matching replies: the f faulty replicas' and one honest replica's.
        for (let s = 0; s < S; s++) for (let c = 0; c < K; c++) if (repliers(st.msgs, s, c) >= 1) return true;
        return false;
      },
      'a client can accept a result: f+1 replicas reply to it (the f faulty ones and an honest one that executed it)',
    ),
  ];
  if (maxView > 0) {
    properties.push(
      sometimes<PbftState>(
        'NewViewInstalled',
        (st) => {
          for (let i = F; i < N; i++) if (st.view[i]! > 0 && st.active[i]!) return true;
          return false;
        },
        'a view change can complete: an honest replica becomes active in a view above 0',
      ),
    );
  }

  const setReplica = (
    st: PbftState,
    i: number,
    view: number,
    active: boolean,
    msgs: FiniteSet<Message>,
  ): PbftState => {
    const views = st.view.slice();
    const actives = st.active.slice();
    views[i] = view;
    actives[i] = active;
    return { view: views, active: actives, msgs };
  };

  const formatMessage = (m: Message): string => {
    switch (m.type) {
      case 'request':
        return `request(${valueName(m.req)})`;
      case 'pre-prepare':
        return `pre-prepare(v=${m.view}, s=${m.seq}, ${valueName(m.val)})`;
      case 'prepare':
      case 'commit':
        return `${m.type}(${replicaName(m.rep)}, v=${m.view}, s=${m.seq}, ${valueName(m.val)})`;
      case 'view-change':
        return `view-change(${replicaName(m.rep)}, v=${m.view})`;
      case 'new-view':
        return `new-view(v=${m.view}, O=${formatO(m.o)})`;
    }
  };

  return {
    name: `pbft${variant === 'correct' ? '' : `[${variant}]`} replicas=${N} faulty=${F} maxView=${maxView} maxSeq=${S} requests=${K}`,

    init: () => [
      {
        view: grid(N, (i) => (isFaulty(i) ? -1 : 0)),
        active: grid(N, (i) => !isFaulty(i)),
        msgs: universe.empty,
      },
    ],

    actions(st, out) {
      const msgs = st.msgs;
      // Clients may send or re-send a request at any time (re-sending is a stuttering step).
      for (let c = 0; c < K; c++) out.push(requestAct[c]!);
      admissibleCount.fill(-1);
      for (let v = 0; v < V; v++) {
        const p = primary(v);
        if (isFaulty(p) || st.view[p] !== v) continue;
        if (st.active[p]!) {
          // An honest primary binds the lowest free slot to a request not yet bound in this view.
          let s = 0;
          while (s < S && acceptedValue(msgs, p, v, s) >= 0) s++;
          if (s === S) continue;
          for (let c = 0; c < K; c++) {
            if (!issued(msgs, c)) continue;
            let bound = false;
            for (let t = 0; t < S && !bound; t++) bound = msgs.hasIndex(iPP(v, t, c));
            if (!bound) out.push(prePrepareAct[v]![s]![c]!);
          }
        } else if (v > 0) {
          const n = admissible(msgs, v);
          for (let k = 0; k < n; k++) out.push(newViewAct[v]![admissibleList[v]![k]!]!);
        }
      }
      for (let i = F; i < N; i++) {
        const view = st.view[i]!;
        if (view < maxView) out.push(viewChangeAct[i]![view + 1]!);
        for (let v = Math.max(view, 1); v < V; v++) {
          const p = primary(v);
          if (p === i || (v === view && st.active[i]!)) continue;
          if (!isFaulty(p)) {
            for (let o = 0; o < OCOUNT; o++) if (msgs.hasIndex(iNV(v, o))) out.push(acceptAct[i]![v]![o]!);
          } else {
            const n = admissibleCount[v]! >= 0 ? admissibleCount[v]! : admissible(msgs, v);
            for (let k = 0; k < n; k++) out.push(acceptAct[i]![v]![admissibleList[v]![k]!]!);
          }
        }
        if (st.active[i]!) {
          const p = primary(view);
          for (let s = 0; s < S; s++) {
            const x = acceptedValue(msgs, i, view, s);
            if (x < 0) {
              if (i === p) continue;
              if (!isFaulty(p)) {
                for (let y = 0; y < X; y++)
                  if (msgs.hasIndex(iPP(view, s, y))) out.push(prepareAct[i]![view]![s]![y]!);
              } else {
                // A faulty primary may have sent this backup a pre-prepare for any client request.
                for (let c = 0; c < K; c++) if (issued(msgs, c)) out.push(prepareAct[i]![view]![s]![c]!);
              }
            } else if (!msgs.hasIndex(iCom(view, s, x, i)) && prepareCount(msgs, view, s, x) >= q - 1) {
              out.push(commitAct[i]![view]![s]![x]!);
            }
          }
        }
      }
    },

    next(st, act) {
      const msgs = st.msgs;
      switch (act.kind) {
        case 'Request': {
          const m = msgs.addIndex(iReq(act.c));
          return m === msgs ? st : { ...st, msgs: m };
        }
        case 'PrePrepare':
          return { ...st, msgs: msgs.addIndex(iPP(act.v, act.s - 1, act.c)) };
        case 'Prepare':
          return { ...st, msgs: msgs.addIndex(iPrep(act.v, act.s - 1, codeOf(act.x), act.i)) };
        case 'Commit':
          return { ...st, msgs: msgs.addIndex(iCom(act.v, act.s - 1, codeOf(act.x), act.i)) };
        case 'ViewChange':
          return setReplica(st, act.i, act.v, false, msgs.addIndex(iVC(act.v, act.i)));
        case 'NewView': {
          let m = msgs.addIndex(iNV(act.v, oIndexOf(act.o)));
          for (const e of act.o) m = m.addIndex(iPP(act.v, e.seq - 1, codeOf(e.val)));
          return setReplica(st, primary(act.v), act.v, true, m);
        }
        case 'AcceptNewView': {
          let m = msgs;
          for (const e of act.o) m = m.addIndex(iPrep(act.v, e.seq - 1, codeOf(e.val), act.i));
          return setReplica(st, act.i, act.v, true, m);
        }
      }
    },

    properties,

    formatAction(act) {
      switch (act.kind) {
        case 'Request':
          return `Request(${valueName(act.c)})`;
        case 'PrePrepare':
          return `PrePrepare(v=${act.v}, s=${act.s}, ${valueName(act.c)})`;
        case 'Prepare':
        case 'Commit':
          return `${act.kind}(${replicaName(act.i)}, v=${act.v}, s=${act.s}, ${valueName(act.x)})`;
        case 'ViewChange':
          return `ViewChange(${replicaName(act.i)}, v=${act.v})`;
        case 'NewView':
          return `NewView(v=${act.v}, O=${formatO(act.o)})`;
        case 'AcceptNewView':
          return `AcceptNewView(${replicaName(act.i)}, v=${act.v}, O=${formatO(act.o)})`;
      }
    },

    formatState: (st) => {
      const honest = grid(N - F, (k) => k + F);
      const committed: Record<string, string[]> = {};
      for (let s = 0; s < S; s++) {
        const mask = committedMask(st.msgs, s);
        if (mask !== 0)
          committed[`s${s + 1}`] = grid(X, (x) => x)
            .filter((x) => (mask & (1 << x)) !== 0)
            .map((x) => valueName(valueOf(x)));
      }
      return {
        view: Object.fromEntries(honest.map((i) => [replicaName(i), st.view[i]])),
        active: Object.fromEntries(honest.map((i) => [replicaName(i), st.active[i]])),
        msgs: st.msgs.toArray().map(formatMessage),
        committed,
      };
    },
  };
}

/** `[1:c1, 2:null]`: the pre-prepares of an O, by slot. */
export function formatO(o: readonly OEntry[]): string {
  return `[${o.map((e) => `${e.seq}:${valueName(e.val)}`).join(', ')}]`;
}
