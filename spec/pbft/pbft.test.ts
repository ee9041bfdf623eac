// PBFT: pinned state counts (BFS = DFS) for small instances, the known-bad variants refuted by
// pinned shortest counterexamples that replay, the n >= 3f+2 boundary, and the model's contract
// (validated constants, deterministic action enumeration, the registry entry).
import { describe, expect, test } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { check, fingerprint, replay, type CheckResult, type Model } from '../../model-check/index.js';
import {
  pbft,
  pbftSpecEntry,
  type PbftAction,
  type PbftMessage,
  type PbftOptions,
  type PbftState,
} from './index.js';

type Result = CheckResult<PbftState, PbftAction>;

const counts = (r: Result): [string, number, number, number] => [
  r.status,
  r.stats.distinctStates,
  r.stats.generatedStates,
  r.stats.depth,
];

/**
 * The (slot, request) pairs committed in a state, recomputed from its messages alone: some honest
 * replica sent COMMIT(v, s, x) and, counting the faulty replicas r0..r(f-1) as having sent it too,
 * at least `quorum` replicas did. Requests print as c1, c2, ...; the null request as null.
 */
function committedFromMsgs(s: PbftState, faulty: number, quorum: number): string[] {
  const committers = new Map<string, Set<number>>();
  for (const m of s.msgs as Iterable<PbftMessage>) {
    if (m.type !== 'commit') continue;
    const k = `${m.view}/${m.seq}/${m.val === null ? 'null' : `c${m.val + 1}`}`;
    committers.set(k, (committers.get(k) ?? new Set()).add(m.rep));
  }
  const out = new Set<string>();
  for (const [k, reps] of committers) {
    if (reps.size + faulty >= quorum) out.add(k.split('/').slice(1).join(':'));
  }
  return [...out].sort();
}

/** A copy of `model` that checks only the named properties. */
const only = <S, A>(model: Model<S, A>, ...names: string[]): Model<S, A> => ({
  ...model,
  properties: model.properties.filter((p) => names.includes(p.name)),
});

const actionNames = (model: Model<PbftState, PbftAction>, r: Result): string[] => {
  if (r.status !== 'violation' || r.counterexample === undefined)
    throw new Error(`expected a violation, got ${r.status}`);
  return r.counterexample.steps.slice(1).map((s) => model.formatAction!(s.action!));
};

describe('pinned state counts', () => {
  test.each([
    // replicas, faulty, maxView, maxSeq, requests, distinct, generated, depth
    [4, 1, 1, 1, 2, 16_680, 69_733, 19],
    [4, 1, 1, 2, 1, 225_212, 926_221, 26],
    [4, 1, 2, 1, 1, 139_475, 448_816, 28],
    [4, 1, 0, 2, 2, 7_082, 43_433, 15],
    [3, 1, 1, 1, 1, 86, 201, 12],
  ])(
    'n=%i f=%i maxView=%i maxSeq=%i requests=%i: %i distinct, %i generated, depth %i; BFS = DFS',
    (replicas, faulty, maxView, maxSeq, requests, distinct, generated, depth) => {
      const model = pbft({ replicas, faulty, maxView, maxSeq, requests });
      const bfs = check(model, { strategy: 'bfs' });
      const dfs = check(model, { strategy: 'dfs' });
      expect(counts(bfs)).toEqual(['ok', distinct, generated, depth]);
      expect(counts(dfs)).toEqual(['ok', distinct, generated, depth]);
      for (const r of [bfs, dfs]) {
        if (r.status !== 'ok') continue;
        expect(r.complete).toBe(true);
        expect(r.witnesses.map((w) => w.property).sort()).toEqual(
          maxView > 0
            ? ['NewViewInstalled', 'RequestAccepted', 'RequestCommitted']
            : ['RequestAccepted', 'RequestCommitted'],
        );
      }
    },
  );

  test('the shortest witnesses: a request commits in 5 steps, a view change completes in 3', () => {
    const model = pbft({ replicas: 4, faulty: 1, maxView: 1, maxSeq: 1, requests: 2 });
    const r = check(model);
    const witness = (name: string): string[] =>
      r.witnesses
        .find((w) => w.property === name)!
        .path.steps.slice(1)
        .map((s) => model.formatAction!(s.action!));
    // The primary r0 is faulty: it may have sent every backup any request, and signs whatever helps.
    expect(witness('RequestCommitted')).toEqual([
      'Request(c1)',
      'Prepare(r1, v=0, s=1, c1)',
      'Prepare(r2, v=0, s=1, c1)',
      'Commit(r1, v=0, s=1, c1)',
      'Commit(r2, v=0, s=1, c1)',
    ]);
    expect(witness('NewViewInstalled')).toEqual([
      'ViewChange(r1, v=1)',
      'ViewChange(r2, v=1)',
      'NewView(v=1, O=[])',
    ]);
  });
});

describe('small-quorums is refuted', () => {
  const model = pbft({
    replicas: 4,
    faulty: 1,
    maxView: 1,
    maxSeq: 1,
    requests: 2,
    variant: 'small-quorums',
  });

  test('BFS: the faulty primary gets c1 and c2 committed at slot 1 of view 0 (6 steps)', () => {
    const r = check(model, { strategy: 'bfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    expect(r.counterexample!.replay).toEqual([0, 0, 1, 3, 3, 5, 4]);
    expect(actionNames(model, r)).toEqual([
      'Request(c1)',
      'Request(c2)',
      'Prepare(r1, v=0, s=1, c1)',
      'Commit(r1, v=0, s=1, c1)',
      'Prepare(r2, v=0, s=1, c2)',
      'Commit(r2, v=0, s=1, c2)',
    ]);
    const steps = r.counterexample!.steps;
    // Quorums of 2f = 2: each honest commit plus the faulty r0's.
    expect(committedFromMsgs(steps[steps.length - 1]!.state, 1, 2)).toEqual(['1:c1', '1:c2']);
    expect(steps.slice(0, -1).every((s) => committedFromMsgs(s.state, 1, 2).length <= 1)).toBe(true);
    const again = replay(model, r.counterexample!.replay);
    expect(again.ok).toBe(true);
    const last = again.path.steps[again.path.steps.length - 1]!.state;
    expect(fingerprint(last)).toEqual(fingerprint(steps[steps.length - 1]!.state));
    expect(model.properties.find((p) => p.name === 'Agreement')!.holds(last)).toBe(false);
  });

  test('DFS also refutes Agreement, with a path no shorter', () => {
    const r = check(model, { strategy: 'dfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    expect(r.counterexample!.replay.length).toBeGreaterThanOrEqual(7);
  });
});

describe('ignore-prepared is refuted', () => {
  const model = pbft({
    replicas: 4,
    faulty: 1,
    maxView: 1,
    maxSeq: 1,
    requests: 2,
    variant: 'ignore-prepared',
  });
  const expectReplays = (r: Result, property: string): void => {
    const again = replay(model, r.status === 'violation' ? r.counterexample!.replay : []);
    expect(again.ok).toBe(true);
    const last = again.path.steps[again.path.steps.length - 1]!.state;
    expect(model.properties.find((p) => p.name === property)!.holds(last)).toBe(false);
  };

  test('BFS: ViewChangeSafety fails first, when the new primary re-binds a committed slot (10 steps)', () => {
    const r = check(model, { strategy: 'bfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('ViewChangeSafety');
    expect(r.counterexample!.replay).toEqual([0, 0, 1, 2, 3, 4, 3, 2, 2, 3, 5]);
    expect(actionNames(model, r)).toEqual([
      'Request(c1)',
      'Request(c2)',
      'ViewChange(r1, v=1)',
      'Prepare(r2, v=0, s=1, c1)',
      'Prepare(r3, v=0, s=1, c1)',
      'Commit(r2, v=0, s=1, c1)',
      'ViewChange(r2, v=1)',
      'NewView(v=1, O=[])',
      'PrePrepare(v=1, s=1, c2)',
      'Commit(r3, v=0, s=1, c1)',
    ]);
    expectReplays(r, 'ViewChangeSafety');
  });

  test('BFS on Agreement alone: c1 committed in view 0 and c2 in view 1 at slot 1 (14 steps)', () => {
    const r = check(only(model, 'Agreement'), { strategy: 'bfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    expect(r.counterexample!.replay).toEqual([0, 0, 1, 2, 3, 4, 3, 2, 2, 3, 2, 2, 2, 2, 4]);
    expect(actionNames(model, r)).toEqual([
      'Request(c1)',
      'Request(c2)',
      'ViewChange(r1, v=1)',
      'Prepare(r2, v=0, s=1, c1)',
      'Prepare(r3, v=0, s=1, c1)',
      'Commit(r2, v=0, s=1, c1)',
      'ViewChange(r2, v=1)',
      'NewView(v=1, O=[])',
      'PrePrepare(v=1, s=1, c2)',
      'AcceptNewView(r2, v=1, O=[])',
      'Prepare(r2, v=1, s=1, c2)',
      'Commit(r1, v=1, s=1, c2)',
      'Commit(r2, v=1, s=1, c2)',
      'Commit(r3, v=0, s=1, c1)',
    ]);
    const steps = r.counterexample!.steps;
    expect(committedFromMsgs(steps[steps.length - 1]!.state, 1, 3)).toEqual(['1:c1', '1:c2']);
    expectReplays(r, 'Agreement');
  });

  test('DFS also refutes it', () => {
    const r = check(model, { strategy: 'dfs' });
    expect(r.status).toBe('violation');
  });
});

describe('replicas and faulty are independent; quorums stay 2f+1', () => {
  test('n = 3f (3 replicas, 1 faulty) is still safe: two quorums of 3 share every replica', () => {
    const r = check(pbft({ replicas: 3, faulty: 1, maxView: 1, maxSeq: 1, requests: 2 }));
    expect(r.status).toBe('ok');
  });

  test('n = 3f+2 (5 replicas, 1 faulty): two quorums of 3 may meet only in the faulty r0', () => {
    const model = pbft({ replicas: 5, faulty: 1, maxView: 0, maxSeq: 1, requests: 2 });
    const r = check(model);
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    expect(actionNames(model, r)).toEqual([
      'Request(c1)',
      'Request(c2)',
      'Prepare(r1, v=0, s=1, c1)',
      'Prepare(r2, v=0, s=1, c1)',
      'Commit(r1, v=0, s=1, c1)',
      'Commit(r2, v=0, s=1, c1)',
      'Prepare(r3, v=0, s=1, c2)',
      'Prepare(r4, v=0, s=1, c2)',
      'Commit(r3, v=0, s=1, c2)',
      'Commit(r4, v=0, s=1, c2)',
    ]);
  });

  test('f = 0 with 4 replicas (quorums of 1) loses a committed request in the next view', () => {
    const r = check(pbft({ replicas: 4, faulty: 0, maxView: 1, maxSeq: 1, requests: 2 }));
    expect(r.status).toBe('violation');
    if (r.status === 'violation') expect(r.property.name).toBe('ViewChangeSafety');
  });

  test('f = 0 with 1 replica is safe', () => {
    expect(check(pbft({ replicas: 1, faulty: 0, maxView: 1, maxSeq: 2, requests: 2 })).status).toBe('ok');
  });
});

describe('the model contract', () => {
  const base: PbftOptions = { replicas: 4, faulty: 1, maxView: 1, maxSeq: 1, requests: 2 };
  test.each([
    [{ replicas: 0 }, /replicas/],
    [{ replicas: 2.5 }, /replicas/],
    [{ faulty: -1 }, /faulty/],
    [{ faulty: Number.NaN }, /faulty/],
    [{ replicas: 4, faulty: 2 }, /replicas must be at least 2 \* faulty \+ 1 = 5/],
    [{ maxView: -1 }, /maxView/],
    [{ maxView: 0.5 }, /maxView/],
    [{ maxSeq: 0 }, /maxSeq/],
    [{ requests: 0 }, /requests/],
    [{ variant: 'sloppy' as 'correct' }, /variant/],
    [{ faulty: 0, variant: 'small-quorums' as const }, /small-quorums.*faulty >= 1/],
  ])('%j throws a RangeError naming the problem', (patch, message) => {
    const options = { ...base, ...patch };
    expect(() => pbft(options)).toThrow(RangeError);
    expect(() => pbft(options)).toThrow(message);
  });

  test('maxView 0 has no view-change witness to look for', () => {
    const names = pbft({ ...base, maxView: 0 }).properties.map((p) => `${p.kind} ${p.name}`);
    expect(names).toEqual([
      'always Agreement',
      'always Validity',
      'always ViewChangeSafety',
      'sometimes RequestCommitted',
      'sometimes RequestAccepted',
    ]);
  });

  /** Random walks: the states visited. */
  function walk(model: Model<PbftState, PbftAction>, choices: number[]): PbftState[] {
    let s = model.init()[0]!;
    const states = [s];
    const out: PbftAction[] = [];
    for (const c of choices) {
      out.length = 0;
      model.actions(s, out);
      const next = model.next(s, out[c % out.length]!);
      if (next === undefined) continue;
      s = next;
      states.push(s);
    }
    return states;
  }

  const actionsOf = (model: Model<PbftState, PbftAction>, s: PbftState): PbftAction[] => {
    const out: PbftAction[] = [];
    model.actions(s, out);
    return [...out];
  };

  /** A structurally equal copy built from scratch: fresh arrays, msgs added in reverse order. */
  const rebuilt = (s: PbftState): PbftState => ({
    msgs: s.msgs.universe.of(...s.msgs.toArray().reverse()),
    active: [...s.active],
    view: [...s.view],
  });

  fcTest.prop([fc.array(fc.nat(), { maxLength: 40, size: 'max' }), fc.array(fc.nat(), { maxLength: 40 })], {
    numRuns: 100,
  })('actions on equal states give equal lists, in the same order', (choicesA, choicesB) => {
    const options = { replicas: 4, faulty: 1, maxView: 2, maxSeq: 2, requests: 2 };
    const model = pbft(options);
    const other = pbft(options);
    const byFp = new Map<string, PbftState>();
    for (const s of [...walk(model, choicesA), ...walk(model, choicesB)]) {
      const fp = fingerprint(s);
      const key = `${fp.hi}:${fp.lo}`;
      const list = actionsOf(model, s);
      expect(actionsOf(model, s)).toEqual(list);
      expect(actionsOf(model, rebuilt(s))).toEqual(list);
      expect(actionsOf(other, s)).toEqual(list);
      const seen = byFp.get(key);
      if (seen !== undefined) expect(actionsOf(model, seen)).toEqual(list);
      else byFp.set(key, s);
      // Every enumerated action is enabled.
      for (const a of list) expect(model.next(s, a)).toBeDefined();
    }
  });

  test('next does not mutate the state it is given', () => {
    const model = pbft({ replicas: 4, faulty: 1, maxView: 2, maxSeq: 2, requests: 2 });
    for (const s of walk(model, [0, 1, 7, 5, 9, 2, 11, 4, 4, 6, 1, 2, 9, 3, 8, 8, 13, 5, 2])) {
      const before = JSON.stringify(s);
      const fp = fingerprint(s);
      for (const a of actionsOf(model, s)) model.next(s, a);
      expect(JSON.stringify(s)).toBe(before);
      expect(fingerprint(s)).toEqual(fp);
    }
  });

  test('formatState names the honest replicas and the committed slots', () => {
    const model = pbft(base);
    const r = check(model);
    const w = r.witnesses.find((x) => x.property === 'RequestCommitted')!;
    const state = model.formatState!(w.path.steps[w.path.steps.length - 1]!.state);
    expect(state).toEqual({
      view: { r1: 0, r2: 0, r3: 0 },
      active: { r1: true, r2: true, r3: true },
      msgs: [
        'request(c1)',
        'prepare(r1, v=0, s=1, c1)',
        'prepare(r2, v=0, s=1, c1)',
        'commit(r1, v=0, s=1, c1)',
        'commit(r2, v=0, s=1, c1)',
      ],
      committed: { s1: ['c1'] },
    });
  });
});

/**
 * The successors of a state under a direct transcription of tla/PBFT.tla's Next (sets, quantifiers,
 * no indexing or scratch buffers), each as a canonical string. Stuttering steps are left out.
 */
function tlaSuccessors(st: PbftState, o: PbftOptions): Set<string> {
  const { replicas: N, faulty: F, maxView, maxSeq, requests: K } = o;
  const variant = o.variant ?? 'correct';
  const Q = variant === 'small-quorums' ? 2 * F : 2 * F + 1;
  const range = (a: number, b: number): number[] =>
    Array.from({ length: Math.max(0, b - a + 1) }, (_, k) => a + k);
  const Replica = range(0, N - 1);
  const Honest = range(F, N - 1);
  const View = range(0, maxView);
  const Seq = range(1, maxSeq);
  const Value: (number | null)[] = [...range(0, K - 1), null];
  const isFaulty = (i: number): boolean => i < F;
  const primary = (v: number): number => v % N;
  const key = (m: PbftMessage): string => JSON.stringify(m);
  const msgs = new Set(st.msgs.toArray().map(key));
  const has = (m: PbftMessage): boolean => msgs.has(key(m));
  const req = (c: number): PbftMessage => ({ type: 'request', req: c });
  const pp = (v: number, s: number, x: number | null): PbftMessage => ({
    type: 'pre-prepare',
    view: v,
    seq: s,
    val: x,
  });
  const prep = (v: number, s: number, x: number | null, i: number): PbftMessage => ({
    type: 'prepare',
    view: v,
    seq: s,
    val: x,
    rep: i,
  });
  const com = (v: number, s: number, x: number | null, i: number): PbftMessage => ({
    type: 'commit',
    view: v,
    seq: s,
    val: x,
    rep: i,
  });
  const preparers = (v: number, s: number, x: number | null): number =>
    Replica.filter((b) => b !== primary(v) && (isFaulty(b) || has(prep(v, s, x, b)))).length;
  const validCert = (v: number, s: number, x: number | null): boolean =>
    (isFaulty(primary(v)) || has(pp(v, s, x))) && preparers(v, s, x) >= Q - 1;
  const accepted = (i: number, v: number, s: number, x: number | null): boolean =>
    i === primary(v) ? has(pp(v, s, x)) : has(prep(v, s, x, i));
  const hasAccepted = (i: number, v: number, s: number): boolean => Value.some((x) => accepted(i, v, s, x));
  type Slot = number | null | 'free';
  const choices = (members: number[], v: number, s: number): Slot[] => {
    const rep = st.msgs
      .toArray()
      .filter((m) => m.type === 'commit' && members.includes(m.rep) && m.view < v && m.seq === s) as {
      view: number;
      val: number | null;
    }[];
    const top = rep.length === 0 ? -1 : Math.max(...rep.map((m) => m.view));
    const out = new Set<Slot>(
      rep.length === 0 ? ['free'] : rep.filter((m) => m.view === top).map((m) => m.val),
    );
    if (members.some(isFaulty)) {
      for (const x of Value) if (View.some((w) => w >= top && w < v && validCert(w, s, x))) out.add(x);
    }
    return [...out];
  };
  const allO: Slot[][] = Seq.reduce<Slot[][]>(
    (acc) => acc.flatMap((p) => [...Value, 'free' as const].map((x) => [...p, x])),
    [[]],
  );
  const normalize = (os: Slot[]): Slot[] =>
    os.map((x, k) => (x === 'free' && os.slice(k + 1).some((y) => y !== 'free') ? null : x));
  const admissible = (v: number): Slot[][] => {
    const senders = Replica.filter((i) => isFaulty(i) || has({ type: 'view-change', view: v, rep: i }));
    const subsetsOf = (xs: number[], k: number): number[][] =>
      k === 0 ? [[]] : xs.flatMap((x, j) => subsetsOf(xs.slice(j + 1), k - 1).map((r) => [x, ...r]));
    const out = new Map<string, Slot[]>();
    for (const c of allO) {
      const ok = subsetsOf(senders, Q).some((members) =>
        Seq.every((s) =>
          variant === 'ignore-prepared' ? c[s - 1] === 'free' : choices(members, v, s).includes(c[s - 1]!),
        ),
      );
      if (ok) out.set(JSON.stringify(normalize(c)), normalize(c));
    }
    return [...out.values()];
  };
  const entries = (os: Slot[]): { seq: number; val: number | null }[] =>
    os.flatMap((x, k) => (x === 'free' ? [] : [{ seq: k + 1, val: x }]));

  const out = new Set<string>();
  const emit = (view: readonly number[], active: readonly boolean[], added: PbftMessage[]): void => {
    const all = new Set([...msgs, ...added.map(key)]);
    const same =
      all.size === msgs.size &&
      view.every((x, i) => x === st.view[i]) &&
      active.every((x, i) => x === st.active[i]);
    if (!same) out.add(`${JSON.stringify(view)}|${JSON.stringify(active)}|${[...all].sort().join(';')}`);
  };
  const withReplica = (i: number, v: number, a: boolean): [number[], boolean[]] => {
    const view = [...st.view];
    const active = [...st.active];
    view[i] = v;
    active[i] = a;
    return [view, active];
  };
  for (let c = 0; c < K; c++) emit(st.view, st.active, [req(c)]);
  for (const v of View) {
    const p = primary(v);
    for (const s of Seq) {
      for (let c = 0; c < K; c++) {
        if (isFaulty(p) || st.view[p] !== v || !st.active[p] || !has(req(c))) continue;
        if (hasAccepted(p, v, s) || !Seq.every((t) => t >= s || hasAccepted(p, v, t))) continue;
        if (Seq.some((t) => has(pp(v, t, c)))) continue;
        emit(st.view, st.active, [pp(v, s, c)]);
      }
    }
    if (v > 0 && !isFaulty(p) && st.view[p] === v && !st.active[p]) {
      for (const os of admissible(v)) {
        const e = entries(os);
        emit(st.view, withReplica(p, v, true)[1], [
          { type: 'new-view', view: v, o: e },
          ...e.map((x) => pp(v, x.seq, x.val)),
        ]);
      }
    }
  }
  for (const i of Honest) {
    if (st.view[i]! < maxView)
      emit(...withReplica(i, st.view[i]! + 1, false), [
        { type: 'view-change', view: st.view[i]! + 1, rep: i },
      ]);
    for (const v of View) {
      const p = primary(v);
      if (v === 0 || i === p || !(st.view[i]! < v || (st.view[i] === v && !st.active[i]))) continue;
      const candidates = isFaulty(p)
        ? admissible(v)
        : allO.map(normalize).filter((os) => has({ type: 'new-view', view: v, o: entries(os) }));
      for (const os of candidates)
        emit(
          ...withReplica(i, v, true),
          entries(os).map((x) => prep(v, x.seq, x.val, i)),
        );
    }
    for (const v of View) {
      for (const s of Seq) {
        for (const x of Value) {
          if (st.view[i] !== v || !st.active[i]) continue;
          const fromPrimary = isFaulty(primary(v)) ? x !== null && has(req(x)) : has(pp(v, s, x));
          if (i !== primary(v) && !hasAccepted(i, v, s) && fromPrimary)
            emit(st.view, st.active, [prep(v, s, x, i)]);
          if (accepted(i, v, s, x) && preparers(v, s, x) >= Q - 1)
            emit(st.view, st.active, [com(v, s, x, i)]);
        }
      }
    }
  }
  return out;
}

describe('the TypeScript model is the TLA+ module', () => {
  const canonical = (s: PbftState, F: number): string =>
    `${JSON.stringify(s.view.slice(F))}|${JSON.stringify(s.active.slice(F))}|${s.msgs
      .toArray()
      .map((m) => JSON.stringify(m))
      .sort()
      .join(';')}`;

  test.each([
    [{ replicas: 4, faulty: 1, maxView: 2, maxSeq: 2, requests: 2 }],
    // View 3's primary is the faulty r0: backups accept any NEW-VIEW that 2f+1 view-changes justify.
    [{ replicas: 3, faulty: 1, maxView: 3, maxSeq: 2, requests: 2 }],
    [{ replicas: 4, faulty: 0, maxView: 1, maxSeq: 2, requests: 1 }],
    [{ replicas: 4, faulty: 1, maxView: 1, maxSeq: 2, requests: 2, variant: 'small-quorums' as const }],
    [{ replicas: 4, faulty: 1, maxView: 1, maxSeq: 2, requests: 2, variant: 'ignore-prepared' as const }],
  ])('%j: same successors on random walks', (options) => {
    const model = pbft(options);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 5, maxLength: 30 }), (choices) => {
        const F = options.faulty;
        let s = model.init()[0]!;
        const out: PbftAction[] = [];
        for (const c of choices) {
          out.length = 0;
          model.actions(s, out);
          const mine = new Set<string>();
          for (const a of out) {
            const next = model.next(s, a)!;
            if (next !== s) mine.add(canonical(next, F));
          }
          const theirs = tlaSuccessors(s, options);
          const fixed = (x: string): string => {
            const [view, active, m] = x.split('|');
            return `${JSON.stringify((JSON.parse(view!) as number[]).slice(F))}|${JSON.stringify(
              (JSON.parse(active!) as boolean[]).slice(F),
            )}|${m}`;
          };
          expect([...mine].sort()).toEqual([...theirs].map(fixed).sort());
          s = model.next(s, out[c % out.length]!)!;
        }
      }),
      { numRuns: 40, seed: 5 },
    );
  });
});

describe('the registry entry', () => {
  test('is shaped for spec/registry.ts: flags, ranges, variants with correct first', () => {
    expect(pbftSpecEntry.name).toBe('pbft');
    expect(pbftSpecEntry.tla).toBe('tla/PBFT.tla');
    expect(pbftSpecEntry.constants.map((c) => c.flag)).toEqual([
      '--replicas',
      '--faulty',
      '--max-view',
      '--max-seq',
      '--requests',
    ]);
    for (const c of pbftSpecEntry.constants) expect(c.min <= c.default && c.default <= c.max).toBe(true);
    expect(pbftSpecEntry.variants.map((v) => v.name)).toEqual([
      'correct',
      'small-quorums',
      'ignore-prepared',
    ]);
    expect(pbftSpecEntry.scaffold).toMatchObject({
      source: 'spec/pbft/pbft.ts',
      factory: 'pbft',
      variantType: 'PbftVariant',
    });
  });

  test('builds the default instance, and each variant at the minimal constants agrees across BFS and DFS', () => {
    const defaults = Object.fromEntries(pbftSpecEntry.constants.map((c) => [c.name, c.default]));
    const minimal = Object.fromEntries(pbftSpecEntry.constants.map((c) => [c.name, Math.max(c.min, 1)]));
    expect(check(pbftSpecEntry.build(defaults, 'correct')).stats.distinctStates).toBe(16_680);
    for (const v of pbftSpecEntry.variants) {
      const bfs = check(pbftSpecEntry.build(minimal, v.name), { strategy: 'bfs' });
      const dfs = check(pbftSpecEntry.build(minimal, v.name), { strategy: 'dfs' });
      expect(dfs.status).toBe(bfs.status);
      if (bfs.status === 'ok') expect(dfs.stats.distinctStates).toBe(bfs.stats.distinctStates);
    }
    const scaffolded = pbftSpecEntry.scaffold.testConstants;
    expect(check(pbftSpecEntry.build(scaffolded, 'correct')).status).toBe('ok');
  });
});
