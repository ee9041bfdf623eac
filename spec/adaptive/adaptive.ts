// Single-decree Flexible Paxos over any quorum systems, with the quorum system chosen per ballot:
// the executable twin of tla/AdaptiveQuorums.tla.
//
// Flexible Paxos (Howard, Malkhi and Spiegelman, 2016) observes that Paxos needs only that every
// phase-1 quorum meets every phase-2 quorum; two phase-1 quorums, or two phase-2 quorums, may be
// disjoint. A system is then a pair (Q1, Q2) of quorum families, for example Q1 = any one of two
// acceptors and Q2 = both of them.
//
// Adaptive quorums. A deployment may keep a menu of such systems, called modes here (e.g. a
// `routine` mode with a small, fast Q2 and a `critical` mode with a Q2 spanning every site), and
// let the leader of each ballot pick the mode by the criticality of the decision it is about to
// make. The phases are those of Paxos, with the ballot's mode fixed by its 1a message:
//
//   Phase1a(b, m)  the leader of b picks mode m and invites every acceptor to join b. A ballot
//                  has one mode: once a 1a for b is out, only resending that same 1a (a stuttering
//                  step, as in Paxos) is possible.
//   Phase1b(a, b)  acceptor a joins b if b is above every ballot it joined; it promises never to
//                  vote below b and reports its last vote.
//   Phase2a(b, v)  once a set S of acceptors that joined b qualifies (below), the leader proposes
//                  the value of the highest-ballot vote reported in S, or any value if S reported
//                  none. At most one 2a per ballot.
//   Phase2b(a, b, v)  acceptor a votes for the proposal of b unless it joined a higher ballot.
//
// A value is chosen at ballot b when a Q2 quorum of b's mode voted for it at b.
//
// The switching rule. Safety needs: the phase-1 quorum S of a ballot b meets every phase-2 quorum
// that any ballot c < b could have chosen with. The leader of b cannot know c's mode: a lower
// ballot may start after b does. So with the `correct` rule S must be a Q1 quorum of b's own mode
// AND meet every Q2 quorum of every mode on the menu. Then the Paxos argument goes through: if v
// was chosen at c < b by a Q2 quorum R of mode(c), S meets R; the shared acceptor voted in c
// before joining b, so S reports a vote at or above c, and by induction on ballots that vote is
// for v. The known-bad `own-pair` rule asks only that S be a Q1 quorum of b's mode. Every mode on
// its own may be a valid Flexible Paxos system (its Q1 meets its Q2), yet a leader of a later
// ballot in a mode with small Q1 quorums can miss a value chosen in an earlier ballot by a small
// Q2 quorum of another mode, and propose a different one: Agreement fails.
//
// A leader waits for a minimal qualifying S (the minimal sets of the family just described), as
// the Paxos spec waits for a minimal quorum; with one mode this is exactly Flexible Paxos over
// (Q1, Q2), and with one mode of majorities exactly the Paxos spec.
//
// Messages are never removed from `msgs` (loss, duplication and reordering are all behaviours).
// Ballots are bounded by `maxBallot`.

import { always, sometimes, Universe, type FiniteSet, type Model } from '../../model-check/index.js';

/**
 * One quorum system on the menu: minimal quorums as lists of acceptor indexes (0-based: acceptor
 * `a1` is 0). `q1` are the phase-1 quorums, `q2` the phase-2 quorums.
 */
export interface QuorumMode {
  /** A name for reports, e.g. `routine` (letters, digits, `_` and `-`). */
  readonly name: string;
  readonly q1: readonly (readonly number[])[];
  readonly q2: readonly (readonly number[])[];
}

/** The constants of an adaptive-quorums instance. */
export interface AdaptiveConstants {
  /** Number of acceptors (1 to 16). */
  acceptors: number;
  /** Number of values that may be proposed (1 or more). */
  values: number;
  /** Ballots are 0..maxBallot. */
  maxBallot: number;
  /**
   * The menu of quorum systems a leader picks from, one per ballot. Default: one mode `majority`
   * whose Q1 and Q2 are the majorities, which is the Paxos spec.
   */
  modes?: readonly QuorumMode[];
}

/** `'correct'`: the switching rule that keeps safety; `'own-pair'`: the known-bad rule. */
export type AdaptiveVariant = 'correct' | 'own-pair';

/** Options of {@link adaptive}. */
export interface AdaptiveOptions extends AdaptiveConstants {
  /** `'correct'` (default) or the known-bad `'own-pair'`. */
  variant?: AdaptiveVariant;
  /**
   * Accept a mode whose own Q1 and Q2 do not meet (not a Flexible Paxos system), to watch the
   * checker refute it under `own-pair`. Default: false (such a mode is a RangeError).
   */
  allowUnsafeModes?: boolean;
}

/** Options of {@link fpaxos}: one quorum system. */
export interface FPaxosOptions {
  acceptors: number;
  values: number;
  maxBallot: number;
  /** Minimal phase-1 quorums (acceptor indexes). */
  q1: readonly (readonly number[])[];
  /** Minimal phase-2 quorums (acceptor indexes). */
  q2: readonly (readonly number[])[];
}

/** A value is 0..values-1; `null` is TLA+'s `None` (no vote yet). */
export type AdaptiveValue = number;

/** The messages of the protocol, as in the TLA+ spec's `Message` set. */
export type AdaptiveMessage =
  | { readonly type: '1a'; readonly bal: number; readonly mode: number }
  | {
      readonly type: '1b';
      readonly acc: number;
      readonly bal: number;
      readonly mbal: number;
      readonly mval: AdaptiveValue | null;
    }
  | { readonly type: '2a'; readonly bal: number; readonly val: AdaptiveValue }
  | { readonly type: '2b'; readonly acc: number; readonly bal: number; readonly val: AdaptiveValue };

/** A state: the TLA+ variables, arrays indexed by acceptor. */
export interface AdaptiveState {
  /** Highest ballot each acceptor has joined (-1: none). */
  readonly maxBal: readonly number[];
  /** Ballot of each acceptor's last vote (-1: none). */
  readonly maxVBal: readonly number[];
  /** Value of each acceptor's last vote (null: none). */
  readonly maxVal: readonly (AdaptiveValue | null)[];
  /** Every message sent so far. */
  readonly msgs: FiniteSet<AdaptiveMessage>;
}

/** The actions of the TLA+ spec's `Next`. `m` is a mode's index in the menu. */
export type AdaptiveAction =
  | { readonly kind: 'Phase1a'; readonly b: number; readonly m: number }
  | { readonly kind: 'Phase2a'; readonly b: number; readonly v: AdaptiveValue }
  | { readonly kind: 'Phase1b'; readonly a: number; readonly b: number }
  | { readonly kind: 'Phase2b'; readonly a: number; readonly b: number; readonly v: AdaptiveValue };

/** Acceptor sets as bitmasks (bit i = acceptor i). */
type Mask = number;

const MAX_ACCEPTORS = 16;

function fail(message: string): never {
  throw new RangeError(`adaptive: ${message}`);
}

function checkConstant(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    fail(`${name} must be an integer ${range}, got ${String(v)}`);
  }
}

const accName = (a: number): string => `a${a + 1}`;

/** A set of acceptors for people, e.g. `{a1, a3}`. */
function showMask(mask: Mask, n: number): string {
  const members: string[] = [];
  for (let a = 0; a < n; a++) if ((mask >>> a) & 1) members.push(accName(a));
  return `{${members.join(', ')}}`;
}

/** The minimal sets of a family (none is a strict superset of another), deduplicated, ascending. */
function minimalMasks(masks: readonly Mask[]): Mask[] {
  const unique = [...new Set(masks)].sort((x, y) => x - y);
  return unique.filter((m) => !unique.some((o) => o !== m && (o & m) === o));
}

/** The menu, validated, with each quorum as a bitmask. */
interface CompiledMode {
  readonly name: string;
  readonly q1: Mask[];
  readonly q2: Mask[];
}

function compileFamily(mode: string, role: 'q1' | 'q2', family: unknown, n: number): Mask[] {
  if (!Array.isArray(family) || family.length === 0) {
    fail(`mode ${mode}: ${role} must be a non-empty list of quorums`);
  }
  return minimalMasks(
    family.map((q: unknown, i) => {
      if (!Array.isArray(q) || q.length === 0) {
        fail(`mode ${mode}: ${role} quorum #${i + 1} must be a non-empty list of acceptor indexes`);
      }
      let mask = 0;
      for (const a of q as unknown[]) {
        if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= n) {
          fail(
            `mode ${mode}: ${role} quorum #${i + 1} names acceptor index ${String(a)}, which is not in 0..${n - 1}`,
          );
        }
        if ((mask >>> a) & 1) fail(`mode ${mode}: ${role} quorum #${i + 1} names ${accName(a)} twice`);
        mask |= 1 << a;
      }
      return mask;
    }),
  );
}

function compileModes(modes: readonly QuorumMode[], n: number, allowUnsafe: boolean): CompiledMode[] {
  // Checked as unknown: callers in plain JavaScript (or a model file's constants) may pass anything.
  const given: unknown = modes;
  if (!Array.isArray(given) || given.length === 0) fail('modes must be a non-empty list');
  const seen = new Set<string>();
  return modes.map((mode) => {
    const name = mode.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(name)) {
      fail(`mode name ${JSON.stringify(name)} must be letters, digits, _ or -`);
    }
    if (seen.has(name)) fail(`two modes are called ${name}`);
    seen.add(name);
    const q1 = compileFamily(name, 'q1', mode.q1, n);
    const q2 = compileFamily(name, 'q2', mode.q2, n);
    if (!allowUnsafe) {
      for (const x of q1) {
        for (const y of q2) {
          if ((x & y) === 0) {
            fail(
              `mode ${name} is not a Flexible Paxos system: Q1 ${showMask(x, n)} and Q2 ${showMask(y, n)} do not meet`,
            );
          }
        }
      }
    }
    return { name, q1, q2 };
  });
}

/** The majorities of `n` acceptors, as index lists. */
export function majorities(n: number): number[][] {
  const size = Math.floor(n / 2) + 1;
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    let count = 0;
    for (let a = 0; a < n; a++) count += (mask >>> a) & 1;
    if (count !== size) continue;
    const q: number[] = [];
    for (let a = 0; a < n; a++) if ((mask >>> a) & 1) q.push(a);
    out.push(q);
  }
  return out;
}

/**
 * Where switching between the modes of a menu can break safety: each pair (a mode whose Q1 quorum
 * misses a Q2 quorum of a mode, possibly itself), with one witness pair of disjoint quorums. Empty
 * when every Q1 quorum meets every Q2 quorum across the menu; then the `own-pair` and `correct`
 * rules coincide.
 */
export function switchingConflicts(
  acceptors: number,
  modes: readonly QuorumMode[],
): { q1Mode: string; q2Mode: string; q1: number[]; q2: number[] }[] {
  checkConstant('acceptors', acceptors, 1, MAX_ACCEPTORS);
  const compiled = compileModes(modes, acceptors, true);
  const members = (mask: Mask): number[] => {
    const out: number[] = [];
    for (let a = 0; a < acceptors; a++) if ((mask >>> a) & 1) out.push(a);
    return out;
  };
  const out: { q1Mode: string; q2Mode: string; q1: number[]; q2: number[] }[] = [];
  for (const m of compiled) {
    for (const m2 of compiled) {
      const x = m.q1.find((q) => m2.q2.some((r) => (q & r) === 0));
      if (x === undefined) continue;
      const y = m2.q2.find((r) => (x & r) === 0)!;
      out.push({ q1Mode: m.name, q2Mode: m2.name, q1: members(x), q2: members(y) });
    }
  }
  return out;
}

/**
 * Build the adaptive-quorums model: single-decree Flexible Paxos where the leader of each ballot
 * picks the quorum system (mode) from a menu.
 *
 * @example
 * ```ts
 * import { check } from 'synod/model-check';
 * import { adaptive } from 'synod/spec';
 * const modes = [
 *   { name: 'routine', q1: [[0, 1, 2]], q2: [[0], [1], [2]] },
 *   { name: 'critical', q1: [[0], [1], [2]], q2: [[0, 1, 2]] },
 * ];
 * check(adaptive({ acceptors: 3, values: 2, maxBallot: 1, modes })).status; // 'ok'
 * check(adaptive({ acceptors: 3, values: 2, maxBallot: 1, modes, variant: 'own-pair' })).status; // 'violation'
 * ```
 */
export function adaptive(options: AdaptiveOptions): Model<AdaptiveState, AdaptiveAction> {
  const { acceptors: N, values: V, maxBallot } = options;
  const variant = options.variant ?? 'correct';
  checkConstant('acceptors', N, 1, MAX_ACCEPTORS);
  checkConstant('values', V, 1);
  checkConstant('maxBallot', maxBallot, 0);
  if (variant !== 'correct' && variant !== 'own-pair') {
    fail(`unknown variant ${JSON.stringify(variant)} (variants: correct, own-pair)`);
  }
  const menu = options.modes ?? [{ name: 'majority', q1: majorities(N), q2: majorities(N) }];
  const modes = compileModes(menu, N, options.allowUnsafeModes === true);
  const M = modes.length;
  const B = maxBallot + 1;

  // The phase-1 sets a leader of a ballot in mode m waits for (minimal ones). `own-pair`: the Q1
  // quorums of m. `correct`: the minimal supersets of a Q1 quorum of m that meet every Q2 quorum
  // of every mode. Never empty: the set of all acceptors always qualifies.
  const everyQ2 = modes.flatMap((m) => m.q2);
  const phase1Sets: Mask[][] = modes.map((m) => {
    if (variant === 'own-pair') return m.q1;
    const ok: Mask[] = [];
    for (let s = 1; s < 1 << N; s++) {
      if (m.q1.some((q) => (q & s) === q) && everyQ2.every((r) => (r & s) !== 0)) ok.push(s);
    }
    return minimalMasks(ok);
  });
  const phase1Members = phase1Sets.map((sets) =>
    sets.map((s) => {
      const out: number[] = [];
      for (let a = 0; a < N; a++) if ((s >>> a) & 1) out.push(a);
      return out;
    }),
  );

  // The message universe, by type, so each kind of message is a contiguous index range.
  const votesPer1b = 1 + B * V;
  const off1b = B * M;
  const off2a = off1b + N * B * votesPer1b;
  const off2b = off2a + B * V;
  const items: AdaptiveMessage[] = [];
  for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) items.push({ type: '1a', bal: b, mode: m });
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
  const universe = new Universe<AdaptiveMessage>(items, (m) => JSON.stringify(m));
  const i1a = (b: number, m: number): number => b * M + m;
  const i1b = (a: number, b: number, mbal: number, mval: AdaptiveValue | null): number =>
    off1b + (a * B + b) * votesPer1b + (mbal < 0 || mval === null ? 0 : 1 + mbal * V + mval);
  const i2a = (b: number, v: AdaptiveValue): number => off2a + b * V + v;
  const i2b = (a: number, b: number, v: AdaptiveValue): number => off2b + (a * B + b) * V + v;

  /** The mode of ballot b (from its 1a), or -1 when b has not started. */
  const modeOf = (msgs: FiniteSet<AdaptiveMessage>, b: number): number => {
    for (let m = 0; m < M; m++) if (msgs.hasIndex(i1a(b, m))) return m;
    return -1;
  };

  // Every action object is built once; `actions` pushes these shared instances.
  const phase1a = Array.from({ length: B }, (_, b) =>
    Array.from({ length: M }, (_, m) => ({ kind: 'Phase1a', b, m }) as const),
  );
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

  /** Which values the leader of ballot b (in mode m) may propose now (sets `safeValue`). */
  const proposable = (msgs: FiniteSet<AdaptiveMessage>, b: number, m: number): boolean => {
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
    for (const q of phase1Members[m]!) {
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
      if (top < 0) {
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

  const chosenValues = (s: AdaptiveState): AdaptiveValue[] => {
    const chosen: AdaptiveValue[] = [];
    for (let v = 0; v < V; v++) {
      for (let b = 0; b < B; b++) {
        const m = modeOf(s.msgs, b);
        if (m < 0) continue;
        let voters = 0;
        for (let a = 0; a < N; a++) if (s.msgs.hasIndex(i2b(a, b, v))) voters |= 1 << a;
        if (modes[m]!.q2.some((q) => (q & voters) === q)) {
          chosen.push(v);
          break;
        }
      }
    }
    return chosen;
  };

  const name = (kind: string, ...parts: string[]): string => `${kind}(${parts.join(', ')})`;
  const val = (v: AdaptiveValue | null): string => (v === null ? 'None' : `v${v + 1}`);
  const modeName = (m: number): string => modes[m]!.name;
  const formatMessage = (msg: AdaptiveMessage): string => {
    switch (msg.type) {
      case '1a':
        return `1a(bal=${msg.bal}, mode=${modeName(msg.mode)})`;
      case '1b':
        return `1b(${accName(msg.acc)}, bal=${msg.bal}, mbal=${msg.mbal}, mval=${val(msg.mval)})`;
      case '2a':
        return `2a(bal=${msg.bal}, val=${val(msg.val)})`;
      case '2b':
        return `2b(${accName(msg.acc)}, bal=${msg.bal}, val=${val(msg.val)})`;
    }
  };
  const perAcceptor = <T>(xs: readonly T[], f: (x: T) => unknown): Record<string, unknown> =>
    Object.fromEntries(xs.map((x, a) => [accName(a), f(x)]));
  /** Each ballot's mode, `none` before its 1a (every ballot listed, so diffs read `none → x`). */
  const ballotModes = (s: AdaptiveState): Record<string, string> => {
    const out: Record<string, string> = {};
    for (let b = 0; b < B; b++) {
      const m = modeOf(s.msgs, b);
      out[`b${b}`] = m < 0 ? 'none' : modeName(m);
    }
    return out;
  };

  const tag = variant === 'correct' ? '' : `[${variant}]`;
  return {
    name: `adaptive${tag} acceptors=${N} values=${V} maxBallot=${maxBallot} modes=${modes.map((m) => m.name).join(',')}`,

    init: () => [
      {
        maxBal: new Array<number>(N).fill(-1),
        maxVBal: new Array<number>(N).fill(-1),
        maxVal: new Array<AdaptiveValue | null>(N).fill(null),
        msgs: universe.empty,
      },
    ],

    actions(s, out) {
      for (let b = 0; b < B; b++) {
        const mode = modeOf(s.msgs, b);
        // Before b starts its leader may pick any mode; after, only resending the same 1a (a
        // stuttering step, kept so that one mode gives exactly the Paxos spec's transitions).
        if (mode < 0) for (let m = 0; m < M; m++) out.push(phase1a[b]![m]!);
        else out.push(phase1a[b]![mode]!);
        if (mode < 0) continue;
        let sent2a = false;
        for (let v = 0; v < V; v++) if (s.msgs.hasIndex(i2a(b, v))) sent2a = true;
        if (!sent2a && proposable(s.msgs, b, mode)) {
          for (let v = 0; v < V; v++) if (safeValue[v] === 1) out.push(phase2a[b]![v]!);
        }
      }
      for (let a = 0; a < N; a++) {
        for (let b = s.maxBal[a]! + 1; b < B; b++) if (modeOf(s.msgs, b) >= 0) out.push(phase1b[a]![b]!);
        for (let b = Math.max(0, s.maxBal[a]!); b < B; b++) {
          for (let v = 0; v < V; v++) if (s.msgs.hasIndex(i2a(b, v))) out.push(phase2b[a]![b]![v]!);
        }
      }
    },

    next(s, act) {
      // A step that changes nothing returns `s` itself, which the checker counts without rehashing.
      switch (act.kind) {
        case 'Phase1a': {
          const msgs = s.msgs.addIndex(i1a(act.b, act.m));
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
      always<AdaptiveState>(
        'Agreement',
        (s) => chosenValues(s).length <= 1,
        "at most one value is chosen (a value is chosen at ballot b when a Q2 quorum of b's mode sent 2b messages for it at b)",
      ),
      sometimes<AdaptiveState>('ValueChosen', (s) => chosenValues(s).length > 0, 'some value can be chosen'),
    ],

    formatAction(act) {
      switch (act.kind) {
        case 'Phase1a':
          return name('Phase1a', `b=${act.b}`, `mode=${modeName(act.m)}`);
        case 'Phase2a':
          return name('Phase2a', `b=${act.b}`, `v=${val(act.v)}`);
        case 'Phase1b':
          return name('Phase1b', accName(act.a), `on 1a(bal=${act.b})`);
        case 'Phase2b':
          return name('Phase2b', accName(act.a), `on 2a(bal=${act.b}, val=${val(act.v)})`);
      }
    },

    formatState: (s) => ({
      maxBal: perAcceptor(s.maxBal, (x) => x),
      maxVBal: perAcceptor(s.maxVBal, (x) => x),
      maxVal: perAcceptor(s.maxVal, val),
      modes: ballotModes(s),
      msgs: s.msgs.toArray().map(formatMessage),
      chosen: chosenValues(s).map(val),
    }),
  };
}

/**
 * Flexible Paxos over one quorum system (Q1, Q2): {@link adaptive} with a single mode `fpaxos`.
 *
 * @example
 * ```ts
 * // Two acceptors: phase 1 needs either one, phase 2 needs both. 36,953 states (TLC's figure).
 * check(fpaxos({ acceptors: 2, values: 3, maxBallot: 2, q1: [[0], [1]], q2: [[0, 1]] }));
 * ```
 */
export function fpaxos(options: FPaxosOptions): Model<AdaptiveState, AdaptiveAction> {
  const { q1, q2, ...constants } = options;
  const model = adaptive({ ...constants, modes: [{ name: 'fpaxos', q1, q2 }] });
  const { acceptors, values, maxBallot } = constants;
  return { ...model, name: `fpaxos acceptors=${acceptors} values=${values} maxBallot=${maxBallot}` };
}
