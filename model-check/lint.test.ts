// Tests of lintModel: each rule against a positive fixture (exact line:column pinned) and a negative
// one (clean), the shipped Paxos spec (clean), and small sources for the rules' edges and limits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { lintModel, lintRules, type LintFinding, type LintOptions } from './index.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./__fixtures__/lint/${name}`, import.meta.url));

/** Findings as `file:line:column severity rule`, the part a test pins. */
function pins(file: string, options?: LintOptions): string[] {
  return lintModel(file, options).findings.map(
    (f) => `${basename(f.file)}:${f.line}:${f.column} ${f.severity} ${f.rule}`,
  );
}

describe('each rule: a positive fixture is flagged where it should be, a negative one is clean', () => {
  test('nondeterminism: randomness (in a helper), clock, timer, I/O, env; console is a warning', () => {
    expect(pins(fixture('nondeterminism-bad.ts'))).toEqual([
      'nondeterminism-bad.ts:12:30 error nondeterminism', // Math.random() in jitter(), called from next
      'nondeterminism-bad.ts:15:28 error nondeterminism', // Date.now() in init
      'nondeterminism-bad.ts:18:5 warning nondeterminism', // console.log in actions
      'nondeterminism-bad.ts:23:5 error nondeterminism', // setTimeout in next
      'nondeterminism-bad.ts:26:51 error nondeterminism', // readFileSync (node:fs) in a property
      'nondeterminism-bad.ts:27:32 error nondeterminism', // new Date() in boundary
      'nondeterminism-bad.ts:27:67 error nondeterminism', // process.env in boundary
    ]);
    expect(pins(fixture('nondeterminism-ok.ts'))).toEqual([]);
  });

  test('state-mutation: assignments, ++, delete, in-place methods, Object.assign, aliases, helpers, the action', () => {
    expect(pins(fixture('state-mutation-bad.ts'))).toEqual([
      'state-mutation-bad.ts:18:3 error state-mutation', // st.msgs.sort(...) in record(), called from next
      'state-mutation-bad.ts:19:3 error state-mutation', // st.log[0] = ... in record()
      'state-mutation-bad.ts:30:7 error state-mutation', // Object.assign(s, ...)
      'state-mutation-bad.ts:33:5 error state-mutation', // s.count++
      'state-mutation-bad.ts:34:5 error state-mutation', // s.msgs.push(...)
      'state-mutation-bad.ts:36:5 error state-mutation', // votes.set(...) through `const votes = s.votes`
      'state-mutation-bad.ts:37:5 error state-mutation', // a.hops += 1 (the action)
      'state-mutation-bad.ts:40:5 error state-mutation', // copy.log.push(...): a shallow copy shares log
      'state-mutation-bad.ts:42:5 error state-mutation', // delete s.log
      'state-mutation-bad.ts:45:40 error state-mutation', // s.msgs.reverse() in a property
    ]);
    expect(pins(fixture('state-mutation-ok.ts'))).toEqual([]);
  });

  test('unordered-iteration: for-of, forEach, keys(), Array.from in a helper of actions', () => {
    expect(pins(fixture('unordered-iteration-bad.ts'))).toEqual([
      'unordered-iteration-bad.ts:11:19 error unordered-iteration', // Array.from(s.pending) in retries()
      'unordered-iteration-bad.ts:17:21 error unordered-iteration', // for (const m of s.pending) out.push
      'unordered-iteration-bad.ts:18:5 error unordered-iteration', // s.acks.forEach(... out.push ...)
      'unordered-iteration-bad.ts:19:21 error unordered-iteration', // [...s.acks.keys()].map(...)
    ]);
    expect(pins(fixture('unordered-iteration-ok.ts'))).toEqual([]);
  });

  test('property-ignores-state: no parameter, an unused parameter, a {kind, name, holds} literal', () => {
    expect(pins(fixture('property-ignores-state-bad.ts'))).toEqual([
      'property-ignores-state-bad.ts:11:72 error property-ignores-state', // holds: (s) => LIMIT > 0
      'property-ignores-state-bad.ts:18:43 error property-ignores-state', // () => true
      'property-ignores-state-bad.ts:18:76 error property-ignores-state', // (_s) => limit > 2
    ]);
    expect(pins(fixture('property-ignores-state-ok.ts'))).toEqual([]);
  });

  test('JavaScript (.mjs): a factory from constants that mutates its state and rolls dice', () => {
    expect(pins(fixture('js-bad.mjs'))).toEqual([
      'js-bad.mjs:14:7 error state-mutation', // s.n += 1
      'js-bad.mjs:15:7 error state-mutation', // s.seen.push(a)
      'js-bad.mjs:16:44 error nondeterminism', // Math.random()
    ]);
    expect(pins(fixture('js-ok.mjs'))).toEqual([]);
  });
});

describe('findings', () => {
  test('carry the rule, a message naming the function and the helper chain, a fix and an absolute path', () => {
    const { findings } = lintModel(fixture('nondeterminism-bad.ts'));
    const random = findings[0]!;
    expect(random).toEqual({
      rule: 'nondeterminism',
      severity: 'error',
      message: 'Math.random() in jitter() called from next makes the model nondeterministic',
      fix: expect.stringContaining('function of (state, action)') as string,
      file: fixture('nondeterminism-bad.ts'),
      line: 12,
      column: 30,
    } satisfies LintFinding);
    const mutation = lintModel(fixture('state-mutation-bad.ts')).findings;
    expect(mutation.find((f) => f.line === 36)?.message).toBe(
      'next mutates the state it was given: votes.set(…) changes it in place',
    );
    expect(mutation.find((f) => f.line === 37)?.message).toBe(
      'next mutates the action it was given: a.hops is assigned',
    );
    for (const f of [...findings, ...mutation]) expect(f.fix.length).toBeGreaterThan(20);
  });

  test('every rule a finding can carry is documented with an example and a fix', () => {
    const ids = lintRules.map((r) => r.id);
    expect(ids).toEqual([
      'nondeterminism',
      'state-mutation',
      'unordered-iteration',
      'property-ignores-state',
      'model-not-found',
      'no-export',
      'syntax',
    ]);
    for (const r of lintRules) expect(r.example.length * r.fix.length * r.summary.length).toBeGreaterThan(0);
  });
});

describe('finding the model', () => {
  test('the shipped Paxos spec lints clean (a function from constants returning the model)', () => {
    const paxos = fileURLToPath(new URL('../spec/paxos/paxos.ts', import.meta.url));
    expect(lintModel(paxos, { exportName: 'paxos' }).findings).toEqual([]);
    // Without a default export, every export that is a model is linted.
    expect(lintModel(paxos).findings).toEqual([]);
  });

  test('a named export, chosen or found', () => {
    const file = fixture('state-mutation-bad.ts');
    expect(pins(file, { exportName: 'model' })).toEqual(pins(file));
    expect(pins(file)).toHaveLength(10);
  });

  test('a missing export is an error naming the exports', () => {
    const { findings } = lintModel(fixture('state-mutation-bad.ts'), { exportName: 'modle' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'no-export', severity: 'error', line: 1, column: 1 });
    expect(findings[0]!.message).toBe('the module has no export "modle" (exports: model)');
  });

  test('an unsupported shape is a model-not-found warning, not a crash', () => {
    const { findings } = lintModel(fixture('model-not-found.ts'));
    expect(findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}`)).toEqual([
      '8:16 warning model-not-found',
    ]);
  });

  test('a syntax error is reported with its location, and nothing else is checked', () => {
    const { findings } = lintModel(fixture('syntax-error.ts'));
    expect(findings[0]).toMatchObject({ rule: 'syntax', severity: 'error', line: 6, column: 3 });
    expect(findings.every((f) => f.rule === 'syntax')).toBe(true);
  });

  test('a missing file or an unsupported extension throws', () => {
    expect(() => lintModel(fixture('nope.ts'))).toThrow(/no such file/);
    expect(() => lintModel(fixture('../tlc/paxos-ok.out'))).toThrow(/not a .ts/);
  });
});

describe('edges of the rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synod-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  /** Lint a model whose `next` body (and optionally `actions` body and state type) is given. */
  function lintSource(parts: { next?: string; actions?: string; top?: string; props?: string }): string[] {
    const file = join(dir, `m${n++}.ts`);
    writeFileSync(
      file,
      [
        'interface S { xs: number[]; set: Set<number>; m: Map<string, number>; o: { k: number[] }; n: number }',
        parts.top ?? '',
        'export default {',
        '  init: (): S[] => [{ xs: [], set: new Set(), m: new Map(), o: { k: [] }, n: 0 }],',
        `  actions(s: S, out: number[]) { ${parts.actions ?? 'out.push(1);'} },`,
        `  next(s: S, a: number): S { ${parts.next ?? 'return s;'} },`,
        `  properties: [${parts.props ?? ''}],`,
        '};',
      ].join('\n'),
    );
    return lintModel(file).findings.map((f) => `${f.rule}@${f.line}:${f.column}`);
  }

  test.each([
    ['reassigned copy', 'let t = s; t = { ...t, xs: [] }; t.xs = [a]; return t;', []],
    ['alias of a part', 'const k = s.o.k; k.push(a); return s;', ['state-mutation@6:47']],
    ['destructured part', 'const { xs } = s; xs.sort(); return s;', ['state-mutation@6:48']],
    ['element of a shallow copy', 'const c = s.xs.slice(); c[0] = a; return { ...s, xs: c };', []],
    ['deep part of a shallow copy', 'const c = { ...s }; c.o.k.fill(a); return c;', ['state-mutation@6:50']],
    ['new Set from the state', 'const t = new Set(s.set); t.add(a); return { ...s, set: t };', []],
    ['Set add on the state', 's.set.add(a); return s;', ['state-mutation@6:30']],
    [
      'a local Math shadows the global',
      'const Math = { random: () => 0 }; return { ...s, n: Math.random() };',
      [],
    ],
    ['crypto.randomUUID', 'return { ...s, n: crypto.randomUUID().length };', ['nondeterminism@6:48']],
    ['performance.now', 'return { ...s, n: performance.now() };', ['nondeterminism@6:48']],
  ])('next: %s', (_name, next, expected) => {
    expect(lintSource({ next })).toEqual(expected);
  });

  test.each([
    [
      'counting over a Set is order-free',
      'let c = 0; for (const x of s.set) if (x > 1) c++; out.push(c);',
      [],
    ],
    ['sorted keys', 'for (const k of [...s.m.keys()].sort()) out.push(k.length);', []],
    [
      'Map entries pushed',
      'for (const [k] of s.m.entries()) out.push(k.length);',
      ['unordered-iteration@5:52'],
    ],
    ['spread into out', 'out.push(...s.set);', ['unordered-iteration@5:43']],
    ['Math.max over a Set', 'out.push(Math.max(...s.set));', []],
    ['pushing into out is not a mutation', 'out.push(s.xs.length); out.sort();', []],
  ])('actions: %s', (_name, actions, expected) => {
    expect(lintSource({ actions })).toEqual(expected);
  });

  test('a property passing its state to a helper reads it; one closing over a constant does not', () => {
    expect(
      lintSource({
        top: 'const LIMIT = 3; const small = (s: S): boolean => s.n < LIMIT;',
        props:
          "{ kind: 'always', name: 'a', holds: (s: S) => small(s) }, { kind: 'always', name: 'b', holds: (_: S) => LIMIT > 2 }",
      }),
    ).toEqual(['property-ignores-state@7:110']);
  });
});
