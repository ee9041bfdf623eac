// Tests of the TLC adapter: the output parser against reconstructed TLC transcripts (see
// __fixtures__/tlc/README.md), and runTlc end to end with a fake `java` that prints a transcript.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTlcDuration, parseTlcOutput, runTlc } from './tlc.js';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/tlc/', import.meta.url));
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

describe('parseTlcOutput', () => {
  test('a clean run of tla/Paxos.cfg: status ok, statistics with thousands separators', () => {
    const r = parseTlcOutput(fixture('paxos-ok.out'));
    expect(r).toEqual({
      status: 'ok',
      version: '2.20',
      generatedStates: 1_316_584,
      distinctStates: 185_369,
      queueLeft: 0,
      depth: 25,
      seconds: 26,
      messages: [],
      warnings: [],
    });
  });

  test('an invariant violation: property, statistics and the 13-state error trace', () => {
    const r = parseTlcOutput(fixture('paxos-ignore-promises.out'));
    expect(r).toMatchObject({
      status: 'violation',
      violation: 'invariant',
      property: 'Agreement',
      version: '2.18',
      generatedStates: 176_218,
      distinctStates: 38_544,
      queueLeft: 14_020,
      depth: 13,
      seconds: 3,
      messages: ['Invariant Agreement is violated.'],
    });
    const trace = r.counterexample!;
    expect(trace).toHaveLength(13);
    expect(trace.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(trace[0]).toEqual({
      index: 1,
      action: 'Initial predicate',
      variables: {
        maxBal: '(a1 :> -1 @@ a2 :> -1 @@ a3 :> -1)',
        maxVBal: '(a1 :> -1 @@ a2 :> -1 @@ a3 :> -1)',
        maxVal: '(a1 :> None @@ a2 :> None @@ a3 :> None)',
        msgs: '{}',
      },
    });
    expect(trace.slice(1).map((s) => s.action)).toEqual([
      'Phase1a',
      'Phase1a',
      'Phase1b',
      'Phase1b',
      'Phase1b',
      'Phase2a',
      'Phase2b',
      'Phase1b',
      'Phase2a',
      'Phase2b',
      'Phase2b',
      'Phase2b',
    ]);
    expect(trace[1]!.location).toBe('line 133, col 5 to line 134, col 44 of module Paxos');
    expect(trace[1]!.variables['msgs']).toBe('{[bal |-> 0, type |-> "1a"]}');
    // Multi-line values are joined into one line.
    const last = trace[12]!;
    expect(last.variables['maxVal']).toBe('(a1 :> v2 @@ a2 :> v2 @@ a3 :> v1)');
    expect(last.variables['msgs']).toMatch(/^\{ \[bal \|-> 0, type \|-> "1a"\], \[bal \|-> 1, type/);
    expect(last.variables['msgs']).toMatch(/\[acc \|-> a3, bal \|-> 0, type \|-> "2b", val \|-> v1\] \}$/);
    expect(last.variables['msgs']).not.toContain('\n');
  });

  test('a deadlock: old `<Action line ...>` labels, a warning, and `01s`', () => {
    const r = parseTlcOutput(fixture('deadlock.out'));
    expect(r).toMatchObject({
      status: 'deadlock',
      version: '2.14',
      generatedStates: 4,
      distinctStates: 3,
      queueLeft: 0,
      depth: 3,
      seconds: 1,
      messages: ['Deadlock reached.'],
    });
    expect(r.property).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^Please run the Java VM/);
    expect(r.counterexample).toEqual([
      { index: 1, action: 'Initial predicate', variables: { holder: '"p1"', queue: '<<"p2", "p3">>' } },
      {
        index: 2,
        action: 'Action',
        location: 'line 14, col 5 to line 17, col 32 of module Handoff',
        variables: { holder: '"p2"', queue: '<<"p3">>' },
      },
      {
        index: 3,
        action: 'Action',
        location: 'line 14, col 5 to line 17, col 32 of module Handoff',
        variables: { holder: '"p3"', queue: '<<>>' },
      },
    ]);
  });

  test('a parse error: status error (parse), with SANY’s report as messages', () => {
    const r = parseTlcOutput(fixture('parse-error.out'));
    expect(r).toMatchObject({ status: 'error', errorKind: 'parse', version: '2.18', seconds: 0 });
    expect(r.counterexample).toBeUndefined();
    expect(r.distinctStates).toBeUndefined();
    expect(r.messages[0]).toMatch(
      /^\*\*\*Parse Error\*\*\*\nEncountered "Beginning of definition" at line 144/,
    );
    expect(r.messages[0]).toContain('Module body starting at line 42, column 1.');
    expect(r.messages).toContain('Parsing or semantic analysis failed.');
    expect(r.messages.some((m) => m.startsWith('Fatal errors while parsing TLA+ spec in file Paxos'))).toBe(
      true,
    );
  });

  test('a semantic error: status error (parse), the unknown operator in the message', () => {
    const r = parseTlcOutput(fixture('semantic-error.out'));
    expect(r).toMatchObject({ status: 'error', errorKind: 'parse' });
    expect(r.messages[0]).toBe(
      "Semantic errors:\n\n*** Errors: 1\n\nline 127, col 12 to line 127, col 18 of module Paxos\n\nUnknown operator: `Quorums'.",
    );
  });

  test('a config error: status error (config), the two-line message kept whole', () => {
    const r = parseTlcOutput(fixture('config-error.out'));
    expect(r).toMatchObject({ status: 'error', errorKind: 'config', version: '2.19' });
    expect(r.messages).toEqual([
      'The invariant Agreemnt specified in the configuration file\nis not defined in the specification.',
    ]);
  });

  test('a temporal property violation: unnamed (older TLC), trace ending in stuttering', () => {
    const r = parseTlcOutput(fixture('temporal.out'));
    expect(r).toMatchObject({
      status: 'violation',
      violation: 'temporal',
      version: '2.16',
      generatedStates: 9,
      distinctStates: 6,
      depth: 4,
      seconds: 1,
    });
    expect(r.property).toBeUndefined();
    expect(r.counterexample!.map((s) => s.action)).toEqual([
      'Initial predicate',
      'Request',
      'Request',
      'Stuttering',
    ]);
    expect(r.counterexample![3]).toEqual({ index: 4, action: 'Stuttering', variables: {} });
    expect(r.counterexample![2]!.variables).toEqual({
      lock: '"free"',
      pc: '(r1 :> "waiting" @@ r2 :> "waiting")',
    });
  });

  test('-tool mode: markers removed, the named property, a lasso back to state 2, `ms`', () => {
    const r = parseTlcOutput(fixture('temporal-tool.out'));
    expect(r).toMatchObject({
      status: 'violation',
      violation: 'temporal',
      property: 'EventuallyGranted',
      version: '2.20',
      generatedStates: 13,
      distinctStates: 6,
      queueLeft: 0,
      depth: 4,
      seconds: 1.187,
      messages: ['Temporal property EventuallyGranted was violated.'],
    });
    const trace = r.counterexample!;
    expect(trace.map((s) => [s.index, s.action])).toEqual([
      [1, 'Initial predicate'],
      [2, 'Request'],
      [3, 'Grant'],
      [4, 'Release'],
      [5, 'Request'],
    ]);
    expect(trace[2]!.variables).toEqual({ lock: '"r1"', pc: '(r1 :> "holding" @@ r2 :> "idle")' });
    expect(trace[4]).toEqual({
      index: 5,
      action: 'Request',
      location: 'line 12, col 5 to line 14, col 40 of module Lease',
      variables: {},
      loopsBackTo: 2,
    });
  });

  test('step labels with parameters, one-variable states, and an invariant broken by the initial state', () => {
    const r = parseTlcOutput(
      [
        'Error: Invariant Small is violated by the initial state:',
        'x = 7',
        '',
        '1 states generated, 1 distinct states found, 0 states left on queue.',
        'Finished in 00s at (2024-01-01 00:00:00)',
      ].join('\n'),
    );
    expect(r).toMatchObject({ status: 'violation', violation: 'invariant', property: 'Small' });
    expect(r.counterexample).toEqual([{ index: 1, action: 'Initial predicate', variables: { x: '7' } }]);

    const p = parseTlcOutput(
      [
        'Error: Invariant Agreement is violated.',
        'Error: The behavior up to this point is:',
        'State 1: <Initial predicate>',
        '/\\ x = 0',
        '',
        'State 2: <Phase1a(1) line 40, col 3 to line 41, col 20 of module Paxos>',
        '/\\ x = 1',
        '',
      ].join('\r\n'),
    );
    expect(p.counterexample![1]).toEqual({
      index: 2,
      action: 'Phase1a(1)',
      location: 'line 40, col 3 to line 41, col 20 of module Paxos',
      variables: { x: '1' },
    });
    expect(p.status).toBe('violation');
  });

  test('several temporal properties, action properties, evaluation errors, assumptions', () => {
    expect(parseTlcOutput('Error: Temporal properties Live and Fair were violated.\n')).toMatchObject({
      status: 'violation',
      violation: 'temporal',
      property: 'Live, Fair',
    });
    expect(parseTlcOutput('Error: Temporal properties A, B, and C were violated.\n').property).toBe(
      'A, B, C',
    );
    expect(parseTlcOutput('Error: Action property Monotonic is violated.\n')).toMatchObject({
      status: 'violation',
      violation: 'action-property',
      property: 'Monotonic',
    });
    const evalError = parseTlcOutput(
      [
        'Error: Attempted to apply function:',
        '(a1 :> 0)',
        'to argument a2, which is not in the domain of the function.',
        'Error: The behavior up to this point is:',
        'State 1: <Initial predicate>',
        '/\\ f = (a1 :> 0)',
        '',
        '2 states generated, 1 distinct states found, 1 states left on queue.',
      ].join('\n'),
    );
    expect(evalError).toMatchObject({ status: 'error', errorKind: 'evaluation', distinctStates: 1 });
    expect(evalError.messages[0]).toBe(
      'Attempted to apply function:\n(a1 :> 0)\nto argument a2, which is not in the domain of the function.',
    );
    expect(evalError.counterexample).toHaveLength(1);
    expect(
      parseTlcOutput('Error: Assumption line 48, col 5 to line 51, col 33 of module Paxos is false.\n'),
    ).toMatchObject({ status: 'error', errorKind: 'assumption' });
  });

  test('statistics without a verdict fall back to the last progress line; no verdict is `unknown`', () => {
    const r = parseTlcOutput(
      'TLC2 Version 2.19 of 08 August 2024 (rev: 5a47802)\n' +
        'Progress(12) at 2024-09-12 10:05:33: 1,234 states generated (1,234 s/min), 567 distinct states found (567 ds/min), 89 states left on queue.\n',
    );
    expect(r).toEqual({
      status: 'unknown',
      version: '2.19',
      generatedStates: 1234,
      distinctStates: 567,
      queueLeft: 89,
      messages: [],
      warnings: [],
    });
    expect(parseTlcOutput('').status).toBe('unknown');
    expect(
      parseTlcOutput('Exception in thread "main" java.lang.NoClassDefFoundError: tlc2/TLC\n').status,
    ).toBe('unknown');
  });
});

describe('parseTlcDuration', () => {
  test.each([
    ['26s', 26],
    ['00s', 0],
    ['01min 02s', 62],
    ['59min 59s', 3599],
    ['23h 59min', 86_340],
    ['1d 23h', 169_200],
    ['1187ms', 1.187],
  ])('%s is %d s', (text, seconds) => {
    expect(parseTlcDuration(text)).toBeCloseTo(seconds, 6);
  });

  test('text without a duration', () => {
    expect(parseTlcDuration('soon')).toBeUndefined();
  });
});

describe('runTlc', () => {
  let dir: string;
  let jar: string;
  let module: string;

  /** A fake `java`: answers `-version`, records its cwd and arguments, marks the metadir, prints a transcript. */
  function fakeJava(name: string, transcript: string, exitCode: number): string {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        '#!/bin/sh',
        'if [ "$1" = "-version" ]; then echo \'openjdk version "17.0.10"\' >&2; exit 0; fi',
        `pwd > "${path}.cwd"`,
        `for a in "$@"; do printf '%s\\n' "$a"; done > "${path}.args"`,
        'prev=""',
        'for a in "$@"; do',
        '  if [ "$prev" = "-metadir" ]; then mkdir -p "$a/states" && echo "$a" > "' + path + '.metadir"; fi',
        '  prev="$a"',
        'done',
        'echo "Warning: a line on stderr" >&2',
        `cat "${join(FIXTURES, transcript)}"`,
        `exit ${exitCode}`,
        '',
      ].join('\n'),
    );
    chmodSync(path, 0o755);
    return path;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'synod-tlc-test-'));
    jar = join(dir, 'tla2tools.jar');
    writeFileSync(jar, 'not really a jar');
    module = join(dir, 'Spec.tla');
    writeFileSync(module, '---- MODULE Spec ----\n====\n');
    writeFileSync(join(dir, 'Spec.cfg'), 'INIT Init\nNEXT Next\n');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('missing module and missing config are reported, not thrown', async () => {
    const noFile = await runTlc({ file: join(dir, 'Nope.tla'), jar });
    expect(noFile).toEqual({
      kind: 'missing-file',
      message: `TLA+ module not found: ${join(dir, 'Nope.tla')}`,
    });
    const noCfg = await runTlc({ file: module, config: join(dir, 'Nope.cfg'), jar });
    expect(noCfg.kind).toBe('missing-file');
  });

  test('missing java: one sentence that says what to install', async () => {
    const run = await runTlc({ file: module, jar, java: '/nonexistent/java' });
    expect(run.kind).toBe('missing-java');
    if (run.kind !== 'missing-java') return;
    expect(run.message).toContain('/nonexistent/java');
    expect(run.message).toMatch(/install a JDK 11\+ \(Debian: apt-get install default-jre-headless\)/);
  });

  test('missing jar: TLA2TOOLS_JAR unset, or pointing to nothing', async () => {
    const java = fakeJava('java-ok', 'paxos-ok.out', 0);
    const saved = process.env['TLA2TOOLS_JAR'];
    try {
      delete process.env['TLA2TOOLS_JAR'];
      const unset = await runTlc({ file: module, java });
      expect(unset).toEqual({
        kind: 'missing-jar',
        message:
          'TLA2TOOLS_JAR is not set: download tla2tools.jar from the TLA+ releases (https://github.com/tlaplus/tlaplus/releases) and set TLA2TOOLS_JAR=/path/to/tla2tools.jar',
      });
      process.env['TLA2TOOLS_JAR'] = join(dir, 'absent.jar');
      const absent = await runTlc({ file: module, java });
      expect(absent.kind).toBe('missing-jar');
      if (absent.kind === 'missing-jar') expect(absent.message).toContain(join(dir, 'absent.jar'));
    } finally {
      if (saved === undefined) delete process.env['TLA2TOOLS_JAR'];
      else process.env['TLA2TOOLS_JAR'] = saved;
    }
  });

  test('runs java with the TLC command line in the module folder, parses the output, removes the metadir', async () => {
    const java = fakeJava('java-ok', 'paxos-ok.out', 0);
    const chunks: string[] = [];
    const run = await runTlc({ file: module, jar, java, onOutput: (c) => chunks.push(c) });
    expect(run.kind).toBe('ran');
    if (run.kind !== 'ran') return;
    expect(run.exitCode).toBe(0);
    expect(run.report).toMatchObject({ status: 'ok', distinctStates: 185_369, depth: 25 });
    expect(run.output).toContain('Model checking completed. No error has been found.');
    expect(run.output).toContain('Warning: a line on stderr');
    expect(chunks.join('')).toBe(run.output);
    expect(run.seconds).toBeGreaterThan(0);
    expect(run.config).toBe(join(dir, 'Spec.cfg'));

    expect(readFileSync(`${java}.cwd`, 'utf8').trim()).toBe(dir);
    const args = readFileSync(`${java}.args`, 'utf8').trim().split('\n');
    const metadir = readFileSync(`${java}.metadir`, 'utf8').trim();
    expect(args).toEqual([
      '-XX:+UseParallelGC',
      '-cp',
      jar,
      'tlc2.TLC',
      '-workers',
      '1',
      '-metadir',
      metadir,
      '-noGenerateSpecTE',
      '-config',
      join(dir, 'Spec.cfg'),
      'Spec.tla',
    ]);
    expect(existsSync(metadir)).toBe(false);
  });

  test('passes workers, an explicit config and extra arguments; returns TLC’s exit code', async () => {
    const java = fakeJava('java-violation', 'paxos-ignore-promises.out', 12);
    const other = join(dir, 'Other.cfg');
    writeFileSync(other, 'INIT Init\n');
    const run = await runTlc({
      file: module,
      config: other,
      jar,
      java,
      workers: 4,
      extraArgs: ['-deadlock'],
    });
    expect(run.kind).toBe('ran');
    if (run.kind !== 'ran') return;
    expect(run.exitCode).toBe(12);
    expect(run.report).toMatchObject({ status: 'violation', property: 'Agreement' });
    expect(run.report.counterexample).toHaveLength(13);
    const args = readFileSync(`${java}.args`, 'utf8').trim().split('\n');
    expect(args.slice(4, 6)).toEqual(['-workers', '4']);
    expect(args.slice(-4)).toEqual(['-config', other, '-deadlock', 'Spec.tla']);
  });

  test('without a config argument or a sibling .cfg, no -config is passed', async () => {
    const java = fakeJava('java-nocfg', 'paxos-ok.out', 0);
    const bare = join(dir, 'Bare.tla');
    writeFileSync(bare, '---- MODULE Bare ----\n====\n');
    const run = await runTlc({ file: bare, jar, java });
    expect(run.kind).toBe('ran');
    const args = readFileSync(`${java}.args`, 'utf8').trim().split('\n');
    expect(args).not.toContain('-config');
    expect(args[args.length - 1]).toBe('Bare.tla');
  });
});
