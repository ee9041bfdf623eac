// Single-decree Paxos as a Model: the executable twin of tla/Paxos.tla, which follows Lamport's
// Paxos.tla from "The Paxos Algorithm, or How to Win a Turing Award" (tlaplus/Examples).
//
// The algorithm. Acceptors vote for values in numbered ballots; a value is chosen when a quorum
// (here: any floor(N/2)+1 acceptors) has voted for it in one ballot. Each ballot b has a leader.
//
//   Phase 1a  the leader of b asks every acceptor to join ballot b.
//   Phase 1b  acceptor a joins b if b is above every ballot it joined (maxBal[a]); it promises
//             never to vote below b and reports its last vote <<maxVBal[a], maxVal[a]>>.
//   Phase 2a  once a quorum Q has joined b, the leader proposes one value for b: if nobody in Q
//             reported a vote, any value; otherwise the value of the highest-ballot vote reported.
//             At most one 2a message is ever sent per ballot.
//   Phase 2b  acceptor a votes for the proposal of b unless it has joined a higher ballot.
//
// Why it is safe. Suppose v was chosen in ballot c < b: a quorum Qc voted for v in c. The quorum Q
// that let b's leader propose intersects Qc (two majorities share an acceptor), and that shared
// acceptor joined b only after voting in c (it could not vote in c after promising b). So Q's
// reports include a vote at ballot >= c, and by induction on ballots every proposal at or above c
// carries v. Hence no other value can ever be chosen: the Agreement invariant.
//
// Messages are never removed from `msgs`, so the model includes loss (a message never received),
// duplication (received twice) and reordering. Ballots are bounded by `maxBallot`.

import { always, sometimes, Universe, type FiniteSet, type Model } from '../../model-check/index.js';

/** The constants of a Paxos instance. */
export interface PaxosConstants {
  /** Number of acceptors (1 or more). */
  acceptors: number;
  /** Number of values that may be proposed (1 or more). */
  values: number;
  /** Ballots are 0..maxBallot. */
  maxBallot: number;
}

/** Known-bad variants the checker must refute. */
export type PaxosVariant = 'correct' | 'ignore-promises';

/** A value is 0..values-1; `null` is TLA+'s `None` (no vote yet). */
export type Value = number;

/** The messages of the protocol, as in the TLA+ spec's `Message` set. */
export type Message =
  | { readonly type: '1a'; readonly bal: number }
  | {
      readonly type: '1b';
      readonly acc: number;
      readonly bal: number;
      readonly mbal: number;
      readonly mval: Value | null;
    }
  | { readonly type: '2a'; readonly bal: number; readonly val: Value }
  | { readonly type: '2b'; readonly acc: number; readonly bal: number; readonly val: Value };

/** A Paxos state: the TLA+ variables, arrays indexed by acceptor. */
export interface PaxosState {
  /** Highest ballot each acceptor has joined (-1: none). */
  readonly maxBal: readonly number[];
  /** Ballot of each acceptor's last vote (-1: none). */
  readonly maxVBal: readonly number[];
  /** Value of each acceptor's last vote (null: none). */
  readonly maxVal: readonly (Value | null)[];
  /** Every message sent so far. */
  readonly msgs: FiniteSet<Message>;
}

/** The actions of the TLA+ spec's `Next`, with the message each receive acts on. */
export type PaxosAction =
  | { readonly kind: 'Phase1a'; readonly b: number }
  | { readonly kind: 'Phase2a'; readonly b: number; readonly v: Value }
  | { readonly kind: 'Phase1b'; readonly a: number; readonly b: number }
  | { readonly kind: 'Phase2b'; readonly a: number; readonly b: number; readonly v: Value };

/** Options of {@link paxos}. */
export interface PaxosOptions extends PaxosConstants {
  /** `'correct'` (default) or a known-bad variant. */
  variant?: PaxosVariant;
}

function checkConstant(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`paxos: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

/** All subsets of `0..n-1` with exactly `k` members, as sorted arrays, in lexicographic order. */
export function subsetsOfSize(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const go = (from: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = from; i < n; i++) {
      pick.push(i);
      go(i + 1);
      pick.pop();
    }
  };
  go(0);
  return out;
}

/**
 * Build the single-decree Paxos model for the given constants.
 *
 * @example
 * ```ts
 * import { check } from 'synod/model-check';
 * import { paxos } from 'synod/spec';
 * const result = check(paxos({ acceptors: 3, values: 2, maxBallot: 1 }));
 * // result.status === 'ok', result.stats.distinctStates === 3921
 * ```
 */
export function paxos(options: PaxosOptions): Model<PaxosState, PaxosAction> {
  const { acceptors: N, values: V, maxBallot } = options;
  const variant = options.variant ?? 'correct';
  checkConstant('acceptors', N, 1);
  checkConstant('values', V, 1);
  checkConstant('maxBallot', maxBallot, 0);
  if (variant !== 'correct' && variant !== 'ignore-promises') {
    throw new RangeError(`paxos: unknown variant ${JSON.stringify(variant)}`);
  }
  const B = maxBallot + 1;
  const quorumSize = Math.floor(N / 2) + 1;
  const quorums = subsetsOfSize(N, quorumSize);

  // The message universe, laid out by type so each kind of message is a contiguous index range.
  // A 1b message's last vote is either <<-1, None>> or <<mbal, mval>> with mbal a ballot.
  const votesPer1b = 1 + B * V;
  const off1b = B;
  const off2a = off1b + N * B * votesPer1b;
  const off2b = off2a + B * V;
  const items: Message[] = [];
  for (let b = 0; b < B; b++) items.push({ type: '1a', bal: b });
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < B; b++) {
      items.push({ type: '1b', acc: a, bal: b, mbal: -1, mval: null });
      for (let mb = 0; mb < B; mb++) {
        for (let v = 0; v < V; v++) items.push({ type: '1b', acc: a, bal: b, mbal: mb, mval: v });
      }
    }
  }
  for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) items.push({ type: '2a', bal: b, val: v });
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < B; b++)
      for (let v = 0; v < V; v++) items.push({ type: '2b', acc: a, bal: b, val: v });
  }
  const universe = new Universe<Message>(items, (m) => JSON.stringify(m));
  const i1a = (b: number): number => b;
  const i1b = (a: number, b: number, mbal: number, mval: Value | null): number =>
    off1b + (a * B + b) * votesPer1b + (mbal < 0 || mval === null ? 0 : 1 + mbal * V + mval);
  const i2a = (b: number, v: Value): number => off2a + b * V + v;
  const i2b = (a: number, b: number, v: Value): number => off2b + (a * B + b) * V + v;

  // Every action object is built once; `actions` pushes these shared instances.
  const phase1a = Array.from({ length: B }, (_, b) => ({ kind: 'Phase1a', b }) as const);
  const phase2a = Array.from({ length: B }, (_, b) =>
    Array.from({ length: V }, (_, v) => ({ kind: 'Phase2a', b, v }) as const),
  );
  const phase1b = Array.from({ length: N }, (_, a) =>
    Array.from({ length: B }, (_, b) => ({ kind: 'Phase1b', a, b }) as const),
  );
  const phase2b = Array.from({ length: N }, (_, a) =>
    Array.from({ length: B }, (_, b) =>
      Array.from({ length: V }, (_, v) => ({ kind: 'Phase2b', a, b, v }) as const),
    ),
  );

  // Scratch for Phase2a: per acceptor, whether it sent a 1b for the ballot, and the vote reported.
  const joined = new Uint8Array(N);
  const repBal = new Int32Array(N);
  const repVal = new Int32Array(N);
  const safeValue = new Uint8Array(V);

  /** Which values the leader of ballot b may propose now (sets `safeValue`); false if none. */
  const proposable = (msgs: FiniteSet<Message>, b: number): boolean => {
    for (let a = 0; a < N; a++) {
      joined[a] = 0;
      const base = i1b(a, b, -1, null);
      for (let k = 0; k < votesPer1b; k++) {
        if (!msgs.hasIndex(base + k)) continue;
        joined[a] = 1;
        repBal[a] = k === 0 ? -1 : Math.floor((k - 1) / V);
        repVal[a] = k === 0 ? -1 : (k - 1) % V;
      }
    }
    safeValue.fill(0);
    let any = false;
    for (const q of quorums) {
      let all = true;
      let top = -1;
      for (const a of q) {
        if (joined[a] === 0) {
          all = false;
          break;
        }
        if (repBal[a]! > top) top = repBal[a]!;
      }
      if (!all) continue;
      if (top < 0 || variant === 'ignore-promises') {
        safeValue.fill(1);
        return true;
      }
      for (const a of q) {
        if (repBal[a] === top) {
          safeValue[repVal[a]!] = 1;
          any = true;
        }
      }
    }
    return any;
  };

  const chosenValues = (s: PaxosState): Value[] => {
    const chosen: Value[] = [];
    for (let v = 0; v < V; v++) {
      for (let b = 0; b < B; b++) {
        let votes = 0;
        for (let a = 0; a < N; a++) if (s.msgs.hasIndex(i2b(a, b, v))) votes++;
        if (votes >= quorumSize) {
          chosen.push(v);
          break;
        }
      }
    }
    return chosen;
  };

  const name = (kind: string, ...parts: string[]): string => `${kind}(${parts.join(', ')})`;
  const acc = (a: number): string => `a${a + 1}`;
  const val = (v: Value | null): string => (v === null ? 'None' : `v${v + 1}`);
  const formatMessage = (m: Message): string => {
    switch (m.type) {
      case '1a':
        return `1a(bal=${m.bal})`;
      case '1b':
        return `1b(${acc(m.acc)}, bal=${m.bal}, mbal=${m.mbal}, mval=${val(m.mval)})`;
      case '2a':
        return `2a(bal=${m.bal}, val=${val(m.val)})`;
      case '2b':
        return `2b(${acc(m.acc)}, bal=${m.bal}, val=${val(m.val)})`;
    }
  };
  const perAcceptor = <T>(xs: readonly T[], f: (x: T) => unknown): Record<string, unknown> =>
    Object.fromEntries(xs.map((x, a) => [acc(a), f(x)]));

  return {
    name: `paxos${variant === 'correct' ? '' : `[${variant}]`} acceptors=${N} values=${V} maxBallot=${maxBallot}`,

    init: () => [
      {
        maxBal: new Array<number>(N).fill(-1),
        maxVBal: new Array<number>(N).fill(-1),
        maxVal: new Array<Value | null>(N).fill(null),
        msgs: universe.empty,
      },
    ],

    actions(s, out) {
      for (let b = 0; b < B; b++) {
        // Phase1a(b) has no enabling condition; sending a 1a twice is a stuttering step.
        out.push(phase1a[b]!);
        let sent2a = false;
        for (let v = 0; v < V; v++) if (s.msgs.hasIndex(i2a(b, v))) sent2a = true;
        if (!sent2a && proposable(s.msgs, b)) {
          for (let v = 0; v < V; v++) if (safeValue[v] === 1) out.push(phase2a[b]![v]!);
        }
      }
      for (let a = 0; a < N; a++) {
        for (let b = s.maxBal[a]! + 1; b < B; b++) if (s.msgs.hasIndex(i1a(b))) out.push(phase1b[a]![b]!);
        for (let b = Math.max(0, s.maxBal[a]!); b < B; b++) {
          for (let v = 0; v < V; v++) if (s.msgs.hasIndex(i2a(b, v))) out.push(phase2b[a]![b]![v]!);
        }
      }
    },

    next(s, act) {
      // A step that changes nothing returns `s` itself, which the checker counts without rehashing.
      switch (act.kind) {
        case 'Phase1a': {
          const msgs = s.msgs.addIndex(i1a(act.b));
          return msgs === s.msgs ? s : { ...s, msgs };
        }
        case 'Phase2a':
          return { ...s, msgs: s.msgs.addIndex(i2a(act.b, act.v)) };
        case 'Phase1b': {
          const maxBal = s.maxBal.slice();
          maxBal[act.a] = act.b;
          const report = i1b(act.a, act.b, s.maxVBal[act.a]!, s.maxVal[act.a]!);
          return { maxBal, maxVBal: s.maxVBal, maxVal: s.maxVal, msgs: s.msgs.addIndex(report) };
        }
        case 'Phase2b': {
          const { a, b, v } = act;
          const msgs = s.msgs.addIndex(i2b(a, b, v));
          if (msgs === s.msgs && s.maxBal[a] === b && s.maxVBal[a] === b && s.maxVal[a] === v) return s;
          const maxBal = s.maxBal.slice();
          const maxVBal = s.maxVBal.slice();
          const maxVal = s.maxVal.slice();
          maxBal[a] = b;
          maxVBal[a] = b;
          maxVal[a] = v;
          return { maxBal, maxVBal, maxVal, msgs };
        }
      }
    },

    properties: [
      always<PaxosState>(
        'Agreement',
        (s) => chosenValues(s).length <= 1,
        'at most one value is chosen (a value is chosen at ballot b when a quorum sent 2b messages for it at b)',
      ),
      sometimes<PaxosState>('ValueChosen', (s) => chosenValues(s).length > 0, 'some value can be chosen'),
    ],

    formatAction(act) {
      switch (act.kind) {
        case 'Phase1a':
          return name('Phase1a', `b=${act.b}`);
        case 'Phase2a':
          return name('Phase2a', `b=${act.b}`, `v=${val(act.v)}`);
        case 'Phase1b':
          return name('Phase1b', acc(act.a), `on 1a(bal=${act.b})`);
        case 'Phase2b':
          return name('Phase2b', acc(act.a), `on 2a(bal=${act.b}, val=${val(act.v)})`);
      }
    },

    formatState: (s) => ({
      maxBal: perAcceptor(s.maxBal, (x) => x),
      maxVBal: perAcceptor(s.maxVBal, (x) => x),
      maxVal: perAcceptor(s.maxVal, val),
      msgs: s.msgs.toArray().map(formatMessage),
      chosen: chosenValues(s).map(val),
    }),
  };
}
