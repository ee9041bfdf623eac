// End-to-end tests of `synod check` through the real binary: exit codes, output, --json, errors.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BIN, ROOT, synod } from '../test/cli.js';

interface CheckJson {
  status: string;
  property: string | null;
  distinctStates: number;
  generatedStates: number;
  depth: number;
  seconds: number;
  strategy: string;
  complete: boolean | null;
  counterexample: { action: string | null; index: number; state: Record<string, unknown> }[] | null;
  replay: string | null;
  replayCommand: string | null;
  witnesses: { property: string; steps: number; replay: string }[];
}

function json(stdout: string): CheckJson {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as CheckJson;
}

describe('synod check paxos', () => {
  test('3 acceptors, 2 values, max ballot 1: holds, 3,921 states, depth 17, exit 0', () => {
    const r = synod(['check', 'paxos', '--acceptors', '3', '--values', '2', '--max-ballot', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No violation');
    expect(r.stdout).toMatch(/3,921 distinct states \([\d,]+ generated\), depth 17/);
    expect(r.stdout).toContain('example of ValueChosen');
  });

  test('--json prints one object with the documented fields', () => {
    const r = synod(['check', 'paxos', '--max-ballot', '1', '--json']);
    expect(r.code).toBe(0);
    const j = json(r.stdout);
    expect(j).toMatchObject({
      status: 'ok',
      property: null,
      distinctStates: 3921,
      depth: 17,
      counterexample: null,
    });
    expect(j.generatedStates).toBeGreaterThan(j.distinctStates);
    expect(typeof j.seconds).toBe('number');
    expect(j.witnesses.map((w) => w.property)).toEqual(['ValueChosen']);
  });

  test('--dfs finds the same number of states', () => {
    const j = json(synod(['check', 'paxos', '--max-ballot', '1', '--dfs', '--json']).stdout);
    expect(j).toMatchObject({ status: 'ok', strategy: 'dfs', distinctStates: 3921 });
  });

  test('the ignore-promises variant violates Agreement: exit 10, shortest counterexample, replay command', () => {
    const r = synod(['check', 'paxos', '--max-ballot', '2', '--variant', 'ignore-promises']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('Agreement is violated');
    expect(r.stdout).toContain('Counterexample (12 steps, shortest)');
    // Steps show only what changed: the initial state in full, then diffs such as `maxBal.a1: -1 → 0`.
    expect(r.stdout).toMatch(/maxBal\.a\d: -1 → \d/);
    expect(r.stdout).toMatch(/msgs \+ 2b\(a\d, bal=\d, val=v\d\)/);
    const replayLine = r.stdout.split('\n').find((l) => l.startsWith('Replay: '));
    expect(replayLine).toBeDefined();
    const args = replayLine!.replace('Replay: npx synod ', '').split(' ');
    const again = synod(args);
    expect(again.code).toBe(10);
    expect(again.stdout).toContain('the final state violates Agreement');
  });

  test('--json of a violation carries the counterexample and its replay path', () => {
    const r = synod(['check', 'paxos', '--max-ballot', '2', '--variant', 'ignore-promises', '--json']);
    expect(r.code).toBe(10);
    const j = json(r.stdout);
    expect(j.status).toBe('violation');
    expect(j.property).toBe('Agreement');
    expect(j.counterexample).toHaveLength(13);
    expect(j.counterexample![0]!.action).toBeNull();
    expect(j.replay!.split('.')).toHaveLength(13);
    const last = j.counterexample![12]!.state;
    expect((last['chosen'] as string[]).length).toBe(2);
  });

  test('--max-states cuts the search short and says so', () => {
    const r = synod(['check', 'paxos', '--max-states', '50']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cut short');
    const j = json(synod(['check', 'paxos', '--max-states', '50', '--json']).stdout);
    expect(j).toMatchObject({ status: 'ok', complete: false, distinctStates: 50 });
  });

  test('progress lines go to stderr when not on a terminal', () => {
    const r = synod(['check', 'paxos', '--max-ballot', '1', '--progress-interval', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/distinct states · [\d,]+ states\/s · queue [\d,]+ · depth \d+/);
    const quiet = synod(['check', 'paxos', '--max-ballot', '1', '--progress-interval', '0', '--quiet']);
    expect(quiet.stderr).toBe('');
  });
});

// util-linux `script` gives the binary a pseudo-terminal, as a user's shell would.
test.skipIf(!existsSync('/usr/bin/script'))(
  'on a terminal, progress is one live line rewritten in place',
  () => {
    const cmd = `${process.execPath} ${BIN} check paxos --max-ballot 2 --progress-interval 50`;
    const r = spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const updates = r.stdout.split('\r\x1b[2K').slice(1);
    expect(updates.length).toBeGreaterThan(1);
    expect(updates[0]).toMatch(
      /^… [\d,]+ distinct states · [\d,]+ states\/s · queue [\d,]+ · depth \d+ · [\d.]+ s$/,
    );
    // The live line is cleared before the verdict is printed.
    expect(r.stdout).toContain('\r\x1b[2K✓ No violation: 185,369 distinct states');
  },
);

describe('bad arguments: one clear line, exit 150, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['check', 'paxos', '--acceptors', '0'], /--acceptors must be between 1 and 9, got 0/],
    [['check', 'paxos', '--acceptors', '-2'], /--acceptors must be between 1 and 9, got -2/],
    [['check', 'paxos', '--values', 'two'], /--values must be a whole number, got "two"/],
    [['check', 'paxos', '--max-ballot', '1.5'], /--max-ballot must be a whole number/],
    [['check', 'raft'], /unknown spec "raft" \(shipped: paxos, adaptive, pbft; or give a model file/],
    [
      ['check', 'adaptive', '--q1', 'a1|a9'],
      /--q1: "a1\|a9": a9 is not an acceptor \(acceptors: a1, a2, a3\)/,
    ],
    [['check', 'adaptive', '--q2', 'grid:2x'], /--q2: "grid:2x": expected grid:RxC/],
    [['check', 'adaptive', '--q1', 'a1', '--q2', 'a2'], /Q1 \{a1\} and Q2 \{a2\} do not meet/],
    [['check', 'adaptive', '--modes', 'routine=all'], /--modes: mode routine: expected Q1\/Q2/],
    [['check', 'adaptive', '--modes', 'x=all/all', '--q1', 'all'], /give either --modes or --q1\/--q2/],
    [['check', 'adaptive', '--variant', 'ignore-promises'], /unknown variant "ignore-promises" of adaptive/],
    [['check', 'paxos', '--q1', 'majority'], /--q1 is not a constant of paxos/],
    [['check'], /which spec\?/],
    [['check', 'paxos', '--frobnicate'], /unknown option --frobnicate/],
    [['check', 'paxos', '--bfs', '--dfs'], /choose one of --bfs and --dfs/],
    [['check', 'paxos', '--variant', 'nope'], /unknown variant "nope"/],
    [['check', 'paxos', '--max-depth', '0'], /--max-depth must be at least 1/],
    [['check', 'paxos', '--replay', 'a.b'], /--replay takes dot-separated action indices/],
    [['check', 'paxos', '--replay', '0.77'], /does not replay: step 1: action 77 does not exist/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  test.each(cases)('synod %j', (args, message) => {
    const r = synod(args);
    expect(r.code).toBe(150);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error \[E_[A-Z_]+\] /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('synod check adaptive', () => {
  const MODES = 'routine=all/1;critical=1/all';

  test('Flexible Paxos from --q1/--q2: 36,953 states, depth 19 (TLC on FPaxos.tla), exit 0', () => {
    const args = ['--acceptors', '2', '--values', '3', '--max-ballot', '2', '--q1', 'a1|a2', '--q2', 'a1,a2'];
    const r = synod(['check', 'adaptive', ...args, '--json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({ status: 'ok', distinctStates: 36_953, depth: 19 });
    const dfs = json(synod(['check', 'adaptive', ...args, '--dfs', '--json']).stdout);
    expect(dfs).toMatchObject({ status: 'ok', strategy: 'dfs', distinctStates: 36_953, depth: 19 });
  });

  test("the issue's command runs (3 acceptors, 3 values; cut at 20,000 states to stay quick)", () => {
    // In full: 1,725,705 states, depth 25, about 9 s.
    const r = synod([
      'check',
      'adaptive',
      '--acceptors',
      '3',
      '--values',
      '3',
      '--max-ballot',
      '2',
      '--q1',
      'a1|a2',
      '--q2',
      'a1,a2',
      '--max-states',
      '20000',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('synod check adaptive acceptors=3 values=3 maxBallot=2 modes=fpaxos');
    expect(r.stdout).toContain('No violation');
  });

  test('own-pair switching violates Agreement: exit 10, shortest counterexample, a replay command that reproduces it', () => {
    const r = synod(['check', 'adaptive', '--max-ballot', '1', '--modes', MODES, '--variant', 'own-pair']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('Agreement is violated');
    expect(r.stdout).toContain('Counterexample (12 steps, shortest)');
    expect(r.stdout).toContain('Phase1a(b=1, mode=critical)');
    expect(r.stdout).toMatch(/modes\.b0: none → routine/);
    const replayLine = r.stdout.split('\n').find((l) => l.startsWith('Replay: '));
    expect(replayLine).toBe(
      `Replay: npx synod check adaptive --acceptors 3 --values 2 --max-ballot 1 --modes '${MODES}' --variant own-pair --replay 0.0.2.2.2.2.2.3.4.4.2.5.6`,
    );
    // Through a shell, as a user would paste it.
    const again = spawnSync(
      '/bin/sh',
      ['-c', replayLine!.replace('Replay: npx synod', `"${process.execPath}" "${BIN}"`)],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(again.status).toBe(10);
    expect(again.stdout).toContain('the final state violates Agreement');
  });

  test('--json carries the text constants with the numbers', () => {
    const r = synod(['check', 'adaptive', '--modes', MODES, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { constants: Record<string, unknown>; distinctStates: number };
    expect(j.constants).toEqual({ acceptors: 3, values: 2, maxBallot: 1, modes: MODES });
    expect(j.distinctStates).toBe(1_953);
  });
});

describe('synod check pbft', () => {
  test('the default instance holds: 16,680 states, as pinned in spec/pbft', () => {
    const r = synod(['check', 'pbft', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; distinctStates: number };
    expect(j).toMatchObject({ status: 'ok', distinctStates: 16_680 });
  });

  test('small-quorums (2f instead of 2f+1) violates Agreement in 6 steps; the replay reproduces it', () => {
    const r = synod(['check', 'pbft', '--variant', 'small-quorums']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('Agreement is violated');
    expect(r.stdout).toContain('Counterexample (6 steps, shortest)');
    const replayLine = r.stdout.split('\n').find((l) => l.startsWith('Replay: '));
    expect(replayLine).toBe(
      'Replay: npx synod check pbft --replicas 4 --faulty 1 --max-view 1 --max-seq 1 --requests 2 --variant small-quorums --replay 0.0.1.3.3.5.4',
    );
    const again = synod(replayLine!.replace('Replay: npx synod ', '').split(' '));
    expect(again.code).toBe(10);
  });
});

describe('help and version', () => {
  test('synod --help lists the commands and exit codes', () => {
    const r = synod(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check\s+model-check/);
    expect(r.stdout).toMatch(/tlc\s+/);
    expect(r.stdout).toContain('150 bad input');
  });

  test('synod check --help teaches the spec constants and options', () => {
    const r = synod(['check', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--acceptors',
      '--values',
      '--max-ballot',
      '--variant',
      '--bfs',
      '--dfs',
      '--max-depth',
      '--max-states',
      '--no-deadlock',
      '--json',
      '--replay',
      '--q1',
      '--q2',
      '--modes',
      'own-pair',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  test('synod --version prints the package version', () => {
    const r = synod(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
