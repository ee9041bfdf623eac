// Single-decree Paxos: state counts pinned to TLC's figures on Lamport's Paxos.tla, BFS = DFS,
// the known-bad `ignore-promises` variant refuted by a pinned shortest counterexample, and the
// model's own contract (deterministic action enumeration, validated constants).
import { describe, expect, test } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { check, fingerprint, replay, type CheckResult, type Model } from '../../model-check/index.js';
import { paxos, type Message, type PaxosAction, type PaxosState } from './paxos.js';

type Result = CheckResult<PaxosState, PaxosAction>;

/**
 * The values chosen in a state, computed from its messages alone: a value is chosen when, at some
 * ballot, a majority of the acceptors sent a 2b vote for it.
 */
function chosenFromMsgs(s: PaxosState, acceptors: number): number[] {
  const voters = new Map<string, Set<number>>();
  for (const m of s.msgs as Iterable<Message>) {
    if (m.type !== '2b') continue;
    const k = `${m.bal}/${m.val}`;
    voters.set(k, (voters.get(k) ?? new Set()).add(m.acc));
  }
  const chosen = new Set<number>();
  for (const [k, accs] of voters) if (accs.size > acceptors / 2) chosen.add(Number(k.split('/')[1]));
  return [...chosen].sort((a, b) => a - b);
}

const counts = (r: Result): [string, number, number, number] => [
  r.status,
  r.stats.distinctStates,
  r.stats.generatedStates,
  r.stats.depth,
];

describe('pinned state counts (TLC on Paxos.tla)', () => {
  test.each([
    // maxBallot, distinct (TLC), generated (regression pin), depth (TLC)
    [1, 3_921, 22_995, 17],
    [2, 185_369, 1_316_584, 25],
  ])(
    '3 acceptors, 2 values, maxBallot %i: %i distinct states, %i generated, depth %i',
    (maxBallot, distinct, generated, depth) => {
      const model = paxos({ acceptors: 3, values: 2, maxBallot });
      const bfs = check(model, { strategy: 'bfs' });
      const dfs = check(model, { strategy: 'dfs' });
      expect(counts(bfs)).toEqual(['ok', distinct, generated, depth]);
      expect(counts(dfs)).toEqual(['ok', distinct, generated, depth]);
      for (const r of [bfs, dfs]) {
        if (r.status !== 'ok') continue;
        expect(r.complete).toBe(true);
        expect(r.witnesses.map((w) => w.property)).toEqual(['ValueChosen']);
      }
    },
  );
});

describe('ignore-promises is refuted', () => {
  const model = paxos({ acceptors: 3, values: 2, maxBallot: 1, variant: 'ignore-promises' });

  test('BFS finds the pinned shortest Agreement counterexample', () => {
    const r = check(model, { strategy: 'bfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    const cex = r.counterexample!;
    // Each of the two ballots needs its 1a, two 1b, its 2a and two 2b: 12 actions at the least.
    expect(cex.replay).toHaveLength(13);
    expect(cex.replay).toEqual([0, 0, 1, 2, 2, 2, 1, 3, 2, 3, 2, 3, 6]);
    expect(cex.steps.slice(1).map((s) => model.formatAction!(s.action!))).toEqual([
      'Phase1a(b=0)',
      'Phase1a(b=1)',
      'Phase1b(a1, on 1a(bal=0))',
      'Phase1b(a1, on 1a(bal=1))',
      'Phase1b(a2, on 1a(bal=0))',
      'Phase2a(b=0, v=v1)',
      'Phase2b(a2, on 2a(bal=0, val=v1))',
      'Phase1b(a2, on 1a(bal=1))',
      'Phase2a(b=1, v=v2)',
      'Phase2b(a1, on 2a(bal=1, val=v2))',
      'Phase2b(a2, on 2a(bal=1, val=v2))',
      'Phase2b(a3, on 2a(bal=0, val=v1))',
    ]);
    const final = cex.steps[cex.steps.length - 1]!.state;
    expect(chosenFromMsgs(final, 3)).toEqual([0, 1]);
    // Every earlier state has at most one value chosen.
    expect(cex.steps.slice(0, -1).every((s) => chosenFromMsgs(s.state, 3).length <= 1)).toBe(true);
    const again = replay(model, cex.replay);
    expect(again.ok).toBe(true);
    expect(fingerprint(again.path.steps[again.path.steps.length - 1]!.state)).toEqual(fingerprint(final));
  });

  test('DFS also finds an Agreement violation, no shorter than the BFS one', () => {
    const r = check(model, { strategy: 'dfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    expect(r.counterexample!.replay.length).toBeGreaterThanOrEqual(13);
    const final = r.counterexample!.steps[r.counterexample!.steps.length - 1]!.state;
    expect(chosenFromMsgs(final, 3)).toHaveLength(2);
  });

  test('with a single value there is nothing to disagree on', () => {
    const r = check(paxos({ acceptors: 3, values: 1, maxBallot: 1, variant: 'ignore-promises' }));
    expect(r.status).toBe('ok');
  });
});

describe('small configurations', () => {
  test.each([
    [1, 1, 0],
    [1, 2, 0],
    [1, 1, 2],
    [1, 2, 1],
    [2, 1, 1],
    [2, 2, 1],
    [3, 1, 0],
    [3, 2, 0],
    [4, 1, 0],
  ])(
    'acceptors %i, values %i, maxBallot %i: safe, BFS = DFS, a value can be chosen',
    (acceptors, values, maxBallot) => {
      const model = paxos({ acceptors, values, maxBallot });
      const bfs = check(model, { strategy: 'bfs' });
      const dfs = check(model, { strategy: 'dfs' });
      expect(bfs.status).toBe('ok');
      expect(dfs.status).toBe('ok');
      expect(dfs.stats.distinctStates).toBe(bfs.stats.distinctStates);
      expect(dfs.stats.generatedStates).toBe(bfs.stats.generatedStates);
      for (const r of [bfs, dfs]) {
        const w = r.witnesses.find((x) => x.property === 'ValueChosen');
        expect(w).toBeDefined();
        const final = w!.path.steps[w!.path.steps.length - 1]!.state;
        expect(chosenFromMsgs(final, acceptors)).toHaveLength(1);
      }
    },
  );

  test('1 acceptor, 1 value, maxBallot 0: five states, a value chosen after four actions', () => {
    const model = paxos({ acceptors: 1, values: 1, maxBallot: 0 });
    const r = check(model);
    // init; 1a sent; 1b sent; 2a sent; 2b sent (the value is chosen).
    expect(counts(r).slice(0, 2)).toEqual(['ok', 5]);
    expect(r.witnesses[0]!.path.steps.slice(1).map((s) => model.formatAction!(s.action!))).toEqual([
      'Phase1a(b=0)',
      'Phase1b(a1, on 1a(bal=0))',
      'Phase2a(b=0, v=v1)',
      'Phase2b(a1, on 2a(bal=0, val=v1))',
    ]);
  });

  test('the shortest ValueChosen witness with 3 acceptors takes 6 actions', () => {
    // 1a, a majority (2) of 1b, 2a, a majority (2) of 2b.
    const r = check(paxos({ acceptors: 3, values: 2, maxBallot: 1 }));
    expect(r.witnesses.map((w) => [w.property, w.path.replay.length - 1])).toEqual([['ValueChosen', 6]]);
  });
});

describe('the model contract', () => {
  test.each([
    [{ acceptors: 0, values: 1, maxBallot: 0 }, /acceptors/],
    [{ acceptors: 1.5, values: 1, maxBallot: 0 }, /acceptors/],
    [{ acceptors: 1, values: -1, maxBallot: 0 }, /values/],
    [{ acceptors: 1, values: 0, maxBallot: 0 }, /values/],
    [{ acceptors: 1, values: 1, maxBallot: 1.5 }, /maxBallot/],
    [{ acceptors: 1, values: 1, maxBallot: -1 }, /maxBallot/],
    [{ acceptors: 1, values: 1, maxBallot: Number.NaN }, /maxBallot/],
    [{ acceptors: 1, values: 1, maxBallot: 0, variant: 'sloppy' as 'correct' }, /variant/],
  ])('%j throws a RangeError naming the constant', (options, name) => {
    expect(() => paxos(options)).toThrow(RangeError);
    expect(() => paxos(options)).toThrow(name);
  });

  /** Random walks: the states visited and the actions enabled at each. */
  function walk(model: Model<PaxosState, PaxosAction>, choices: number[]): PaxosState[] {
    let s = model.init()[0]!;
    const states = [s];
    const out: PaxosAction[] = [];
    for (const c of choices) {
      out.length = 0;
      model.actions(s, out);
      if (out.length === 0) break;
      const next = model.next(s, out[c % out.length]!);
      if (next === undefined) continue;
      s = next;
      states.push(s);
    }
    return states;
  }

  const actionsOf = (model: Model<PaxosState, PaxosAction>, s: PaxosState): PaxosAction[] => {
    const out: PaxosAction[] = [];
    model.actions(s, out);
    return [...out];
  };

  /** A structurally equal copy built from scratch: fresh arrays, msgs added in reverse order. */
  const rebuilt = (s: PaxosState): PaxosState => ({
    msgs: s.msgs.universe.of(...s.msgs.toArray().reverse()),
    maxVal: [...s.maxVal],
    maxVBal: [...s.maxVBal],
    maxBal: [...s.maxBal],
  });

  fcTest.prop([fc.array(fc.nat(), { maxLength: 40, size: 'max' }), fc.array(fc.nat(), { maxLength: 40 })], {
    numRuns: 100,
  })('actions on equal states give equal lists, in the same order', (choicesA, choicesB) => {
    const model = paxos({ acceptors: 3, values: 2, maxBallot: 2 });
    const other = paxos({ acceptors: 3, values: 2, maxBallot: 2 });
    const byFp = new Map<string, PaxosState>();
    for (const s of [...walk(model, choicesA), ...walk(model, choicesB)]) {
      const fp = fingerprint(s);
      const key = `${fp.hi}:${fp.lo}`;
      const seen = byFp.get(key);
      const list = actionsOf(model, s);
      // The same state, asked twice (the enumeration reuses scratch buffers between calls).
      expect(actionsOf(model, s)).toEqual(list);
      // An equal state built independently, and the same state in another model instance.
      expect(actionsOf(model, rebuilt(s))).toEqual(list);
      expect(actionsOf(other, s)).toEqual(list);
      // An equal state reached by another walk.
      if (seen !== undefined) expect(actionsOf(model, seen)).toEqual(list);
      else byFp.set(key, s);
    }
  });

  test('next does not mutate the state it is given', () => {
    const model = paxos({ acceptors: 3, values: 2, maxBallot: 1 });
    for (const s of walk(model, [0, 3, 5, 1, 2, 7, 4, 4, 6, 1, 2, 9, 3])) {
      const before = JSON.stringify(s);
      const fp = fingerprint(s);
      for (const a of actionsOf(model, s)) model.next(s, a);
      expect(JSON.stringify(s)).toBe(before);
      expect(fingerprint(s)).toEqual(fp);
    }
  });
});
