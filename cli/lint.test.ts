// End-to-end tests of `synod lint` through the real binary: exit codes, stdout, stderr, --json.
import { describe, expect, test } from 'vitest';
import { synod } from '../test/cli.js';

const FIXTURES = 'model-check/__fixtures__/lint';

interface LintJson {
  file: string;
  findings: {
    rule: string;
    severity: string;
    message: string;
    fix: string;
    file: string;
    line: number;
    column: number;
  }[];
  errors: number;
  warnings: number;
}

function json(stdout: string): LintJson {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as LintJson;
}

describe('synod lint', () => {
  test('a model that mutates its state: each finding with file:line:column, rule, message and fix; exit 150', () => {
    const r = synod(['lint', `${FIXTURES}/state-mutation-bad.ts`]);
    expect(r.code).toBe(150);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      `${FIXTURES}/state-mutation-bad.ts:34:5  state-mutation  next mutates the state it was given: s.msgs.push(…) changes it in place\n    fix: build a new state instead`,
    );
    expect(r.stdout).toContain(
      `${FIXTURES}/state-mutation-bad.ts:18:3  state-mutation  record() called from next mutates the state it was given: st.msgs.sort(…) changes it in place\n`,
    );
    expect(r.stdout.match(/^\S+:\d+:\d+ {2}state-mutation {2}/gm)).toHaveLength(10);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`✗ ${FIXTURES}/state-mutation-bad.ts: 10 errors`);
  });

  test('a clean model: exit 0 and one summary line', () => {
    const r = synod(['lint', `${FIXTURES}/state-mutation-ok.ts`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`✓ ${FIXTURES}/state-mutation-ok.ts: no findings\n`);
  });

  test('the shipped Paxos spec lints clean (its model is the export `paxos`)', () => {
    expect(synod(['lint', 'spec/paxos/paxos.ts']).code).toBe(0);
    const r = synod(['lint', 'spec/paxos/paxos.ts', '--export', 'paxos', '--json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toEqual({ file: 'spec/paxos/paxos.ts', findings: [], errors: 0, warnings: 0 });
  });

  test('warnings alone exit 0; console.* is a warning next to nondeterminism errors', () => {
    const r = synod(['lint', `${FIXTURES}/model-not-found.ts`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `${FIXTURES}/model-not-found.ts:8:16  model-not-found (warning)  export "default" (NewExpression) is not an object literal`,
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      `✓ ${FIXTURES}/model-not-found.ts: no errors, 1 warning`,
    );
    const nd = synod(['lint', `${FIXTURES}/nondeterminism-bad.ts`]);
    expect(nd.code).toBe(150);
    expect(nd.stdout).toContain(
      `${FIXTURES}/nondeterminism-bad.ts:18:5  nondeterminism (warning)  console.log in actions`,
    );
    expect(nd.stdout.trimEnd().split('\n').at(-1)).toBe(
      `✗ ${FIXTURES}/nondeterminism-bad.ts: 6 errors, 1 warning`,
    );
  });

  test('--json prints one object with the findings and the counts', () => {
    const r = synod(['lint', `${FIXTURES}/unordered-iteration-bad.ts`, '--json']);
    expect(r.code).toBe(150);
    expect(r.stderr).toBe('');
    const j = json(r.stdout);
    expect(j.file).toBe(`${FIXTURES}/unordered-iteration-bad.ts`);
    expect(j.errors).toBe(4);
    expect(j.warnings).toBe(0);
    expect(j.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.severity}`)).toEqual([
      `${FIXTURES}/unordered-iteration-bad.ts:11:19 unordered-iteration error`,
      `${FIXTURES}/unordered-iteration-bad.ts:17:21 unordered-iteration error`,
      `${FIXTURES}/unordered-iteration-bad.ts:18:5 unordered-iteration error`,
      `${FIXTURES}/unordered-iteration-bad.ts:19:21 unordered-iteration error`,
    ]);
    expect(j.findings[0]!.fix).toContain('sort first');
  });

  test('a JavaScript model (.mjs)', () => {
    const bad = json(synod(['lint', `${FIXTURES}/js-bad.mjs`, '--json']).stdout);
    expect(bad.findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual([
      '14:7 state-mutation',
      '15:7 state-mutation',
      '16:44 nondeterminism',
    ]);
    const ok = synod(['lint', `${FIXTURES}/js-ok.mjs`]);
    expect(ok.code).toBe(0);
  });

  test('a syntax error is a finding with its location: exit 150', () => {
    const r = synod(['lint', `${FIXTURES}/syntax-error.ts`]);
    expect(r.code).toBe(150);
    expect(r.stdout).toContain(`${FIXTURES}/syntax-error.ts:6:3  syntax  Declaration or statement expected.`);
  });

  test('--export NAME that the module lacks: a no-export finding naming the exports, exit 150', () => {
    const r = synod(['lint', `${FIXTURES}/state-mutation-bad.ts`, '--export', 'modle']);
    expect(r.code).toBe(150);
    expect(r.stdout).toContain(
      `${FIXTURES}/state-mutation-bad.ts:1:1  no-export  the module has no export "modle" (exports: model)`,
    );
  });

  test('bad input exits 150 with a stable code on stderr and nothing on stdout', () => {
    const cases: [string[], string][] = [
      [['lint', `${FIXTURES}/nope.ts`], `[E_MODEL_NOT_FOUND] no such file: ${FIXTURES}/nope.ts`],
      [
        ['lint', 'README.md'],
        '[E_MODEL_EXTENSION] README.md: a model is a .ts, .mts, .cts, .js, .mjs or .cjs module',
      ],
      [['lint'], '[E_ARG_MISSING] which model file?'],
      [['lint', 'a.ts', 'b.ts'], '[E_ARG_EXTRA] one model file at a time'],
      [['lint', `${FIXTURES}/js-ok.mjs`, '--fix'], '[E_ARG_UNKNOWN] unknown option --fix'],
    ];
    for (const [args, message] of cases) {
      const r = synod(args);
      expect(r.code).toBe(150);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('(see synod lint --help)');
    }
  });

  test('--help teaches every rule with an example; synod --help lists lint', () => {
    const r = synod(['lint', '--help']);
    expect(r.code).toBe(0);
    for (const rule of [
      'nondeterminism',
      'state-mutation',
      'unordered-iteration',
      'property-ignores-state',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${rule} `, 'm'));
    }
    expect(r.stdout).toContain('e.g. next(s, m) { s.msgs.push(m); return s; }');
    expect(r.stdout).toContain('Exit codes: 0 no errors (warnings allowed), 150');
    expect(synod(['--help']).stdout).toMatch(/^ {2}lint +check a model's source/m);
  });
});
