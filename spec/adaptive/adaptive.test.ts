// Adaptive quorums: the Flexible Paxos instance pinned to TLC's figure (36,953 states), one mode of
// majorities equal to the Paxos spec, a two-mode menu pinned under the correct switching rule, the
// known-bad own-pair rule refuted by a pinned shortest counterexample, and laws over random menus.
import { describe, expect, test } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { check, fingerprint, replay, type CheckResult } from '../../model-check/index.js';
import { paxos } from '../paxos/index.js';
import {
  adaptive,
  fpaxos,
  majorities,
  switchingConflicts,
  type AdaptiveAction,
  type AdaptiveMessage,
  type AdaptiveState,
  type QuorumMode,
} from './adaptive.js';
import { parseModes, parseQuorums } from './menu.js';

type Result = CheckResult<AdaptiveState, AdaptiveAction>;

const counts = (r: CheckResult<unknown, unknown>): [string, number, number, number] => [
  r.status,
  r.stats.distinctStates,
  r.stats.generatedStates,
  r.stats.depth,
];

/** Routine decisions: every acceptor in phase 1, any one in phase 2; critical ones the other way round. */
const MENU: QuorumMode[] = [
  { name: 'routine', q1: [[0, 1, 2]], q2: [[0], [1], [2]] },
  { name: 'critical', q1: [[0], [1], [2]], q2: [[0, 1, 2]] },
];

/**
 * The values chosen in a state, from its messages alone: v is chosen when, at some ballot b, every
 * member of some Q2 quorum of b's mode (read from b's 1a message) sent a 2b vote for v at b.
 */
function chosenFromMsgs(s: AdaptiveState, modes: readonly QuorumMode[]): number[] {
  const modeOf = new Map<number, number>();
  const voters = new Map<string, Set<number>>();
  for (const m of s.msgs as Iterable<AdaptiveMessage>) {
    if (m.type === '1a') modeOf.set(m.bal, m.mode);
    if (m.type !== '2b') continue;
    const k = `${m.bal}/${m.val}`;
    voters.set(k, (voters.get(k) ?? new Set()).add(m.acc));
  }
  const chosen = new Set<number>();
  for (const [k, accs] of voters) {
    const [bal, val] = k.split('/').map(Number) as [number, number];
    const mode = modes[modeOf.get(bal)!]!;
    if (mode.q2.some((q) => q.every((a) => accs.has(a)))) chosen.add(val);
  }
  return [...chosen].sort((a, b) => a - b);
}

describe('Flexible Paxos (one mode)', () => {
  test('2 acceptors, 3 values, ballots 0..2, Q1 = {a1}|{a2}, Q2 = {a1,a2}: 36,953 states (TLC on FPaxos.tla)', () => {
    const model = fpaxos({ acceptors: 2, values: 3, maxBallot: 2, q1: [[0], [1]], q2: [[0, 1]] });
    const bfs = check(model, { strategy: 'bfs' });
    const dfs = check(model, { strategy: 'dfs' });
    // distinct and depth: TLC's figures; generated: a regression pin (TLC enumerates differently).
    expect(counts(bfs)).toEqual(['ok', 36_953, 237_215, 19]);
    expect(counts(dfs)).toEqual(['ok', 36_953, 237_215, 19]);
    for (const r of [bfs, dfs]) {
      if (r.status !== 'ok') continue;
      expect(r.complete).toBe(true);
      expect(r.witnesses.map((w) => w.property)).toEqual(['ValueChosen']);
    }
  });

  test('both variants agree when there is one mode', () => {
    const modes = [{ name: 'fpaxos', q1: [[0], [1]], q2: [[0, 1]] }];
    const own = check(adaptive({ acceptors: 2, values: 3, maxBallot: 2, modes, variant: 'own-pair' }));
    expect(counts(own)).toEqual(['ok', 36_953, 237_215, 19]);
  });

  test.each([
    [3, 2, 1],
    [1, 1, 0],
    [2, 2, 1],
    [3, 1, 1],
    [4, 1, 0],
  ])(
    'one mode of majorities is the Paxos spec: %i acceptors, %i values, maxBallot %i',
    (acceptors, values, maxBallot) => {
      const ours = check(adaptive({ acceptors, values, maxBallot }));
      const theirs = check(paxos({ acceptors, values, maxBallot }));
      expect(counts(ours)).toEqual(counts(theirs));
      // The same action order too: Paxos's witness path replays here.
      expect(replay(adaptive({ acceptors, values, maxBallot }), theirs.witnesses[0]!.path.replay).ok).toBe(
        true,
      );
    },
  );

  test('3 acceptors, 2 values, maxBallot 1, majorities: 3,921 states, as the Paxos spec (TLC)', () => {
    expect(counts(check(adaptive({ acceptors: 3, values: 2, maxBallot: 1 })))).toEqual([
      'ok',
      3_921,
      22_995,
      17,
    ]);
  });

  test('phase 2 with a Q2 that misses a Q1 quorum is refused unless asked for', () => {
    const bad = { acceptors: 2, values: 2, maxBallot: 1, q1: [[0]], q2: [[1]] };
    expect(() => fpaxos(bad)).toThrow(
      'adaptive: mode fpaxos is not a Flexible Paxos system: Q1 {a1} and Q2 {a2} do not meet',
    );
    const modes = [{ name: 'split', q1: bad.q1, q2: bad.q2 }];
    const own = check(adaptive({ ...bad, modes, variant: 'own-pair', allowUnsafeModes: true }));
    expect(own.status).toBe('violation');
    // The correct rule repairs such a mode: phase 1 must also meet Q2 {a2}, so it needs both.
    const correct = check(adaptive({ ...bad, modes, allowUnsafeModes: true }));
    expect(correct.status).toBe('ok');
  });
});

describe('switching between two modes', () => {
  test.each([
    [1, 1_953, 9_957, 17],
    [2, 71_505, 451_267, 25],
  ])(
    'correct rule, 3 acceptors, 2 values, maxBallot %i: %i states, %i generated, depth %i; BFS = DFS',
    (maxBallot, distinct, generated, depth) => {
      const model = adaptive({ acceptors: 3, values: 2, maxBallot, modes: MENU });
      const bfs = check(model, { strategy: 'bfs' });
      const dfs = check(model, { strategy: 'dfs' });
      expect(counts(bfs)).toEqual(['ok', distinct, generated, depth]);
      expect(counts(dfs)).toEqual(['ok', distinct, generated, depth]);
    },
  );

  test('own-pair: BFS finds the pinned shortest Agreement counterexample', () => {
    const model = adaptive({ acceptors: 3, values: 2, maxBallot: 1, modes: MENU, variant: 'own-pair' });
    const r: Result = check(model, { strategy: 'bfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    const cex = r.counterexample!;
    // Ballot 1 (critical) needs its 1a, one 1b, its 2a and three 2b; ballot 0 (routine) its 1a,
    // three 1b, its 2a and one 2b; a3's two votes are shared: 12 actions.
    expect(cex.replay).toEqual([0, 0, 2, 2, 2, 2, 2, 3, 4, 4, 2, 5, 6]);
    expect(cex.steps.slice(1).map((s) => model.formatAction!(s.action!))).toEqual([
      'Phase1a(b=0, mode=routine)',
      'Phase1a(b=1, mode=critical)',
      'Phase1b(a1, on 1a(bal=0))',
      'Phase1b(a1, on 1a(bal=1))',
      'Phase2a(b=1, v=v1)',
      'Phase2b(a1, on 2a(bal=1, val=v1))',
      'Phase1b(a2, on 1a(bal=0))',
      'Phase2b(a2, on 2a(bal=1, val=v1))',
      'Phase1b(a3, on 1a(bal=0))',
      'Phase2a(b=0, v=v2)',
      'Phase2b(a3, on 2a(bal=0, val=v2))',
      'Phase2b(a3, on 2a(bal=1, val=v1))',
    ]);
    const final = cex.steps[cex.steps.length - 1]!.state;
    expect(chosenFromMsgs(final, MENU)).toEqual([0, 1]);
    expect(cex.steps.slice(0, -1).every((s) => chosenFromMsgs(s.state, MENU).length <= 1)).toBe(true);
    const again = replay(model, cex.replay);
    expect(again.ok).toBe(true);
    if (again.ok) {
      expect(fingerprint(again.path.steps[again.path.steps.length - 1]!.state)).toEqual(fingerprint(final));
    }
    // The same shortest length with more ballots.
    const wider = check(
      adaptive({ acceptors: 3, values: 2, maxBallot: 2, modes: MENU, variant: 'own-pair' }),
    );
    expect(wider.status === 'violation' && wider.counterexample!.replay.length).toBe(13);
  });

  test('own-pair: DFS also refutes it, with a path no shorter', () => {
    const model = adaptive({ acceptors: 3, values: 2, maxBallot: 1, modes: MENU, variant: 'own-pair' });
    const r = check(model, { strategy: 'dfs' });
    if (r.status !== 'violation') throw new Error(`expected a violation, got ${r.status}`);
    expect(r.property.name).toBe('Agreement');
    expect(r.counterexample!.replay.length).toBeGreaterThanOrEqual(13);
    const final = r.counterexample!.steps[r.counterexample!.steps.length - 1]!.state;
    expect(chosenFromMsgs(final, MENU)).toHaveLength(2);
  });

  test('switchingConflicts names the pairs the own-pair rule gets wrong', () => {
    expect(switchingConflicts(3, MENU)).toEqual([
      { q1Mode: 'critical', q2Mode: 'routine', q1: [0], q2: [1] },
    ]);
    expect(switchingConflicts(3, [{ name: 'm', q1: majorities(3), q2: majorities(3) }])).toEqual([]);
  });
});

/** A random menu over `n` acceptors: 1 to 3 modes, each family 1 to 3 random non-empty quorums. */
const menuArb = (n: number): fc.Arbitrary<QuorumMode[]> => {
  const quorum = fc.subarray(
    Array.from({ length: n }, (_, i) => i),
    { minLength: 1 },
  );
  const family = fc.array(quorum, { minLength: 1, maxLength: 3 });
  return fc
    .array(fc.record({ q1: family, q2: family }), { minLength: 1, maxLength: 3 })
    .map((ms) => ms.map((m, i) => ({ name: `m${i}`, ...m })));
};

const instanceArb = fc
  .record({ acceptors: fc.integer({ min: 1, max: 3 }), values: fc.integer({ min: 1, max: 2 }) })
  .chain(({ acceptors, values }) =>
    fc.record({
      acceptors: fc.constant(acceptors),
      values: fc.constant(values),
      maxBallot: fc.integer({ min: 0, max: 1 }),
      modes: menuArb(acceptors),
    }),
  );

describe('laws over random menus', () => {
  fcTest.prop([instanceArb], { numRuns: 60 })(
    'the correct rule never violates Agreement (even with modes that are not Flexible Paxos systems)',
    (instance) => {
      const r = check(adaptive({ ...instance, allowUnsafeModes: true }));
      expect(r.status).toBe('ok');
    },
  );

  fcTest.prop([instanceArb.filter((i) => switchingConflicts(i.acceptors, i.modes).length === 0)], {
    numRuns: 40,
  })('when every Q1 meets every Q2 across the menu, own-pair and correct coincide', (instance) => {
    const correct = check(adaptive(instance));
    const own = check(adaptive({ ...instance, variant: 'own-pair' }));
    expect(counts(own)).toEqual(counts(correct));
  });

  fcTest.prop([instanceArb], { numRuns: 30 })(
    'BFS and DFS agree on the verdict and the count',
    (instance) => {
      for (const variant of ['correct', 'own-pair'] as const) {
        const model = adaptive({ ...instance, variant, allowUnsafeModes: true });
        const bfs = check(model, { strategy: 'bfs' });
        const dfs = check(model, { strategy: 'dfs' });
        expect(dfs.status).toBe(bfs.status);
        if (bfs.status === 'ok') expect(counts(dfs)).toEqual(counts(bfs));
      }
    },
  );
});

describe('the model contract', () => {
  test.each([
    [{ acceptors: 0, values: 1, maxBallot: 0 }, /acceptors/],
    [{ acceptors: 17, values: 1, maxBallot: 0 }, /acceptors must be an integer between 1 and 16/],
    [{ acceptors: 1, values: 0, maxBallot: 0 }, /values/],
    [{ acceptors: 1, values: 1, maxBallot: -1 }, /maxBallot/],
    [{ acceptors: 1, values: 1, maxBallot: 0, variant: 'sloppy' as 'correct' }, /unknown variant "sloppy"/],
    [{ acceptors: 2, values: 1, maxBallot: 0, modes: [] }, /modes must be a non-empty list/],
    [
      { acceptors: 2, values: 1, maxBallot: 0, modes: [{ name: 'm', q1: [], q2: [[0]] }] },
      /mode m: q1 must be a non-empty list of quorums/,
    ],
    [
      { acceptors: 2, values: 1, maxBallot: 0, modes: [{ name: 'm', q1: [[0, 1]], q2: [[]] }] },
      /mode m: q2 quorum #1 must be a non-empty list of acceptor indexes/,
    ],
    [
      { acceptors: 2, values: 1, maxBallot: 0, modes: [{ name: 'm', q1: [[0, 2]], q2: [[0, 1]] }] },
      /mode m: q1 quorum #1 names acceptor index 2, which is not in 0..1/,
    ],
    [
      { acceptors: 2, values: 1, maxBallot: 0, modes: [{ name: 'm', q1: [[1, 1]], q2: [[0, 1]] }] },
      /names a2 twice/,
    ],
    [
      {
        acceptors: 2,
        values: 1,
        maxBallot: 0,
        modes: [
          { name: 'm', q1: [[0, 1]], q2: [[0, 1]] },
          { name: 'm', q1: [[0, 1]], q2: [[0, 1]] },
        ],
      },
      /two modes are called m/,
    ],
    [
      { acceptors: 2, values: 1, maxBallot: 0, modes: [{ name: 'no spaces', q1: [[0]], q2: [[0]] }] },
      /mode name "no spaces"/,
    ],
  ])('%j throws a RangeError with a sentence', (options, message) => {
    expect(() => adaptive(options)).toThrow(RangeError);
    expect(() => adaptive(options)).toThrow(message);
  });

  test('next does not mutate the state it is given, and a ballot keeps the mode of its first 1a', () => {
    const model = adaptive({ acceptors: 3, values: 2, maxBallot: 1, modes: MENU });
    let s = model.init()[0]!;
    const out: AdaptiveAction[] = [];
    for (const pick of [1, 0, 3, 2, 5, 1, 4, 0, 2, 6, 3, 1]) {
      out.length = 0;
      model.actions(s, out);
      const before = JSON.stringify(s);
      for (const a of out) model.next(s, a);
      expect(JSON.stringify(s)).toBe(before);
      for (const b of [0, 1]) {
        const sent = s.msgs.toArray().filter((m) => m.type === '1a' && m.bal === b);
        expect(sent.length).toBeLessThanOrEqual(1);
        const offered = out.filter((a) => a.kind === 'Phase1a' && a.b === b);
        expect(offered).toHaveLength(sent.length === 1 ? 1 : MENU.length);
      }
      s = model.next(s, out[pick % out.length]!)!;
    }
  });
});

describe('the --modes and --q1/--q2 notation', () => {
  test('families become minimal quorums as acceptor indexes', () => {
    expect(parseQuorums('majority', 3, 'q1')).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(parseQuorums('a1|a2', 3, 'q1')).toEqual([[0], [1]]);
    expect(parseQuorums('a1,a2', 3, 'q2')).toEqual([[0, 1]]);
    expect(parseQuorums('all', 3, 'q2')).toEqual([[0, 1, 2]]);
  });

  test('a menu', () => {
    expect(parseModes('routine=all/1; critical=1/all', 3)).toEqual(MENU);
    expect(parseModes('routine=a1,a2,a3/a1|a2|a3;critical=a1|a2|a3/a1,a2,a3', 3)).toEqual(MENU);
  });

  test.each([
    ['', /no modes given/],
    ['routine', /"routine": expected NAME=Q1\/Q2/],
    ['r=all', /mode r: expected Q1\/Q2/],
    ['r=all/1;r=1/all', /two modes are called r/],
    ['r=all/a4', /mode r, Q2: "a4": a4 is not an acceptor/],
    ['r=any:9/all', /mode r, Q1: any:9 needs at least 9 acceptors/],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseModes(text, 3)).toThrow(message);
  });
});
