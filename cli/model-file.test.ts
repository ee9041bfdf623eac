// `synod check <file>` and `synod init` through the real binary, on model files in a temporary
// project (TS and JS): constants, errors and exit codes, models that throw or mutate their state.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, synodIn, tempProject } from '../test/cli.js';

let dir = '';

const counterTs = `import { always, sometimes, type Model } from 'synod/model-check';

export const constants = {
  limit: { type: 'integer', min: 1, max: 50, default: 3, description: 'highest value' },
  overshoot: { type: 'boolean', default: false },
} as const;

type S = { n: number };
export default function counter(c: { limit: number; overshoot: boolean }): Model<S, 'inc' | 'dec'> {
  return {
    init: () => [{ n: 0 }],
    actions: (s, out) => {
      if (s.n < c.limit + (c.overshoot ? 1 : 0)) out.push('inc');
      if (s.n > 0) out.push('dec');
    },
    next: (s, a) => ({ n: a === 'inc' ? s.n + 1 : s.n - 1 }),
    properties: [always('bounded', (s) => s.n <= c.limit), sometimes('top', (s) => s.n === c.limit)],
  };
}

export const fixed: Model<S, 'inc'> = {
  init: () => [{ n: 0 }],
  actions: (s, out) => { if (s.n < 2) out.push('inc'); },
  next: (s) => ({ n: s.n + 1 }),
  properties: [always('small', (s) => s.n < 5)],
};
`;

const counterJs = `import { always } from 'synod/model-check';
export default {
  init: () => [0],
  actions: (n, out) => { if (n < 4) out.push('inc'); },
  next: (n) => n + 1,
  properties: [always('below 4', (n) => n < 4)],
};
`;

const throwsJs = `import { always } from 'synod/model-check';
export default {
  init: () => [0],
  actions: (n, out) => { out.push('step'); },
  next: (n) => { if (n === 2) throw new Error('no third step'); return n + 1; },
  properties: [always('any', (n) => n >= 0)],
};
`;

const mutatesTs = `import { always, type Model } from 'synod/model-check';
const m: Model<{ xs: number[] }, number> = {
  init: () => [{ xs: [] }],
  actions: (s, out) => { if (s.xs.length < 2) out.push(7); },
  next: (s, a) => { s.xs.push(a); return { xs: [...s.xs] }; },
  properties: [always('short', (s) => s.xs.length <= 2)],
};
export default m;
`;

beforeAll(() => {
  dir = tempProject();
  writeFileSync(join(dir, 'counter.ts'), counterTs);
  writeFileSync(join(dir, 'counter.mjs'), counterJs);
  writeFileSync(join(dir, 'throws.mjs'), throwsJs);
  writeFileSync(join(dir, 'mutates.ts'), mutatesTs);
  writeFileSync(join(dir, 'loadfail.mjs'), 'throw new Error("cannot load me");\n');
  writeFileSync(join(dir, 'notmodel.mjs'), 'export default { init: 1 };\n');
  writeFileSync(join(dir, 'notes.txt'), 'hello\n');
});

describe('synod check <model file>', () => {
  test('a TypeScript model with declared constants loads without a build step and holds', () => {
    const r = synodIn(dir, ['check', './counter.ts', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; distinctStates: number; constants: object };
    expect(j).toMatchObject({ status: 'ok', distinctStates: 4 });
  });

  test('--const values reach the model: overshoot breaks the invariant (exit 10) with a replay command', () => {
    const r = synodIn(dir, ['check', './counter.ts', '--const', 'limit=5', '--const', 'overshoot=true']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('bounded is violated');
    expect(r.stdout).toContain('Counterexample (6 steps, shortest)');
    const replay = r.stdout.split('\n').find((l) => l.startsWith('Replay: '))!;
    expect(replay).toBe(
      'Replay: npx synod check ./counter.ts --const limit=5 --const overshoot=true --replay 0.0.0.0.0.0.0',
    );
    const again = synodIn(dir, replay.replace('Replay: npx synod ', '').split(' '));
    expect(again.code).toBe(10);
  });

  test('a JavaScript model (default export is a Model) is checked', () => {
    const r = synodIn(dir, ['check', 'counter.mjs']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('below 4 is violated');
  });

  test('--export picks a named export', () => {
    const r = synodIn(dir, ['check', './counter.ts', '--export', 'fixed', '--no-deadlock', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'ok', distinctStates: 3 });
  });

  const bad: [string, string[], RegExp][] = [
    [
      'unknown constant, listing the accepted ones',
      ['./counter.ts', '--const', 'limt=4'],
      /unknown constant "limt" \(accepted: limit, overshoot\)/,
    ],
    ['out of range', ['./counter.ts', '--const', 'limit=0'], /limit must be at least 1, got 0/],
    [
      'wrong type',
      ['./counter.ts', '--const', 'overshoot=maybe'],
      /overshoot must be true or false, got "maybe"/,
    ],
    ['not a whole number', ['./counter.ts', '--const', 'limit=2.5'], /limit must be a whole number, got 2.5/],
    ['malformed --const', ['./counter.ts', '--const', 'limit'], /--const takes name=value/],
    [
      'constants for a plain Model',
      ['./counter.mjs', '--const', 'x=1'],
      /is a Model, not a function of constants/,
    ],
    ['missing file', ['./nope.ts'], /no such file: \.\/nope\.ts/],
    ['unsupported extension', ['./notes.txt'], /a model is a \.ts, \.mts, \.js or \.mjs module/],
    [
      'missing export',
      ['./counter.ts', '--export', 'nothing'],
      /has no export "nothing" \(exports: .*constants.*fixed/,
    ],
    ['not a Model', ['./notmodel.mjs'], /is not a Model: init is not a function; actions is not a function/],
    ['spec flags on a file', ['./counter.ts', '--acceptors', '3'], /--acceptors is for shipped specs/],
  ];
  test.each(bad)('%s: one clear message, exit 150', (_what, args, message) => {
    const r = synodIn(dir, ['check', ...args]);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a model that throws exits 75 with its error, the step, and the path to the state', () => {
    const r = synodIn(dir, ['check', './throws.mjs']);
    expect(r.code).toBe(75);
    expect(r.stdout).toContain('The model threw in next(step) at step 3');
    expect(r.stdout).toContain('Error: no third step');
    expect(r.stdout).toContain('throws.mjs'); // the user's own frame
    expect(r.stdout).not.toContain('/dist/model-check/'); // not synod's
    expect(r.stdout).toContain('Replay: npx synod check ./throws.mjs --replay 0.0.0');
  });

  test('a module that throws while loading exits 75', () => {
    const r = synodIn(dir, ['check', './loadfail.mjs']);
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('threw while loading');
    expect(r.stderr).toContain('cannot load me');
  });

  test('a model that mutates the state passed to next is caught at run time (exit 75)', () => {
    const r = synodIn(dir, ['check', './mutates.ts']);
    expect(r.code).toBe(75);
    expect(r.stdout).toContain('StateMutationError: next() changed the state passed to it');
  });
});

describe('synod init', () => {
  test('scaffolds a model and a test; the model checks and the generated test passes', () => {
    const r = synodIn(dir, ['init', 'my-paxos', '--from', 'paxos']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created ./my-paxos/model.ts and ./my-paxos/model.test.ts');
    const next = r.stdout.split('\n').filter((l) => l.startsWith('  npx '));
    expect(next).toHaveLength(3);
    expect(next[0]).toBe(
      '  npx synod check ./my-paxos/model.ts --const acceptors=3 --const values=2 --const maxBallot=1',
    );

    const check = synodIn(dir, next[0]!.trim().replace('npx synod ', '').split(' ').concat('--json'));
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ status: 'ok', distinctStates: 3921, depth: 17 });

    const bad = synodIn(dir, [
      'check',
      './my-paxos/model.ts',
      '--const',
      'variant=ignore-promises',
      '--const',
      'maxBallot=2',
    ]);
    expect(bad.code).toBe(10);

    const vitest = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', join(dir, 'my-paxos')],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    expect(vitest.stdout + vitest.stderr).toMatch(/Tests\s+2 passed/);
    expect(vitest.status).toBe(0);
  });

  test('refuses to overwrite, and names unknown specs (exit 150)', () => {
    synodIn(dir, ['init', 'twice', '--from', 'paxos']);
    const again = synodIn(dir, ['init', 'twice', '--from', 'paxos']);
    expect(again.code).toBe(150);
    expect(again.stderr).toMatch(/already exist.*--force/);
    const unknown = synodIn(dir, ['init', 'x', '--from', 'raft']);
    expect(unknown.code).toBe(150);
    expect(unknown.stderr).toMatch(/unknown spec "raft"/);
    const noFrom = synodIn(dir, ['init', 'x']);
    expect(noFrom.code).toBe(150);
  });
});
