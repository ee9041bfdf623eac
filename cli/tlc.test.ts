// End-to-end tests of `synod tlc` through the real binary, with a fake `java` on PATH that prints a
// reconstructed TLC transcript (model-check/__fixtures__/tlc/): exit codes, output, --json, errors.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, synod } from '../test/cli.js';

const FIXTURES = fileURLToPath(new URL('../model-check/__fixtures__/tlc/', import.meta.url));

let tmp: string;
let jar: string;
let count = 0;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'synod-cli-tlc-'));
  jar = join(tmp, 'tla2tools.jar');
  writeFileSync(jar, 'not really a jar');
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

interface Fake {
  /** Environment for `synod`: the fake java first on PATH, TLA2TOOLS_JAR set to a dummy file. */
  env: NodeJS.ProcessEnv;
  /** The arguments the fake java received, one per line. */
  args(): string[];
}

/** A `java` that answers `-version`, records its arguments, prints `text` and exits with `code`. */
function fakeJava(text: string, code: number): Fake {
  const bin = join(tmp, `bin${++count}`);
  mkdirSync(bin);
  const transcript = join(bin, 'transcript.out');
  writeFileSync(transcript, text);
  const java = join(bin, 'java');
  writeFileSync(
    java,
    [
      '#!/bin/sh',
      'if [ "$1" = "-version" ]; then echo \'openjdk version "17.0.10"\' >&2; exit 0; fi',
      `for a in "$@"; do printf '%s\\n' "$a"; done > "${bin}/args"`,
      `cat "${transcript}"`,
      `exit ${code}`,
      '',
    ].join('\n'),
  );
  chmodSync(java, 0o755);
  return {
    env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, TLA2TOOLS_JAR: jar },
    args: () => readFileSync(join(bin, 'args'), 'utf8').trim().split('\n'),
  };
}

const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

interface TlcJson {
  tool: string;
  status: string;
  violation: string | null;
  errorKind: string | null;
  property: string | null;
  distinctStates: number | null;
  generatedStates: number | null;
  depth: number | null;
  seconds: number;
  exitCode: number;
  tlcExitCode: number;
  counterexample:
    { index: number; action: string; location?: string; variables: Record<string, string> }[] | null;
  messages: string[];
  reproduce: string;
}

function json(stdout: string): TlcJson {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as TlcJson;
}

describe('synod tlc with a (fake) TLC', () => {
  test('a clean run: exit 0, the synod summary, TLC invoked in tla/ with the config', () => {
    const fake = fakeJava(fixture('paxos-ok.out'), 0);
    const r = synod(['tlc', 'tla/Paxos.tla', '--config', 'tla/Paxos.cfg'], fake.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'TLC 2.20 on tla/Paxos.tla (config tla/Paxos.cfg)\n' +
        '✓ No violation: 185,369 distinct states (1,316,584 generated), depth 25, in 26.0 s\n',
    );
    const args = fake.args();
    expect(args.slice(0, 6)).toEqual(['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-workers', '1']);
    expect(args).toContain('-noGenerateSpecTE');
    expect(args.slice(-3)).toEqual(['-config', join(ROOT, 'tla/Paxos.cfg'), 'Paxos.tla']);
  });

  test('the default config is the module name with .cfg; --workers is passed on', () => {
    const fake = fakeJava(fixture('paxos-ok.out'), 0);
    const r = synod(['tlc', 'tla/Paxos.tla', '--workers', '3'], fake.env);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('TLC 2.20 on tla/Paxos.tla (config tla/Paxos.cfg)');
    const args = fake.args();
    expect(args.slice(4, 6)).toEqual(['-workers', '3']);
    expect(args.slice(-3)).toEqual(['-config', join(ROOT, 'tla/Paxos.cfg'), 'Paxos.tla']);
  });

  test('--json of a clean run', () => {
    const fake = fakeJava(fixture('paxos-ok.out'), 0);
    const j = json(synod(['tlc', 'tla/Paxos.tla', '--json'], fake.env).stdout);
    expect(j).toMatchObject({
      tool: 'tlc',
      status: 'ok',
      property: null,
      distinctStates: 185_369,
      generatedStates: 1_316_584,
      depth: 25,
      seconds: 26,
      counterexample: null,
      exitCode: 0,
      tlcExitCode: 0,
    });
  });

  test('an invariant violation: exit 10, the trace as diffs, the command that reproduces it', () => {
    const fake = fakeJava(fixture('paxos-ignore-promises.out'), 12);
    const r = synod(['tlc', 'tla/Paxos.tla', '--config', 'tla/Paxos_ignore_promises.cfg'], fake.env);
    expect(r.code).toBe(10);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('TLC 2.18 on tla/Paxos.tla (config tla/Paxos_ignore_promises.cfg)');
    expect(lines[1]).toBe('✗ Invariant Agreement is violated');
    expect(lines[2]).toBe('  38,544 distinct states (176,218 generated), depth 13, in 3.00 s');
    expect(r.stdout).toContain('Error trace (13 states, as TLC printed it):');
    // The first state in full, then only what changed.
    expect(r.stdout).toContain(
      '  1  Initial predicate\n       maxBal = (a1 :> -1 @@ a2 :> -1 @@ a3 :> -1)\n',
    );
    expect(r.stdout).toContain(
      '  2  Phase1a  line 133, col 5 to line 134, col 44 of module Paxos\n' +
        '       msgs + [bal |-> 0, type |-> "1a"]\n' +
        '  3  Phase1a',
    );
    expect(r.stdout).toContain(
      ' 13  Phase2b  line 151, col 5 to line 156, col 61 of module Paxos\n' +
        '       maxBal.a3: -1 → 0\n' +
        '       maxVBal.a3: -1 → 0\n' +
        '       maxVal.a3: None → v1\n' +
        '       msgs + [acc |-> a3, bal |-> 0, type |-> "2b", val |-> v1]\n',
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Reproduce: npx synod tlc tla/Paxos.tla --config tla/Paxos_ignore_promises.cfg',
    );
  });

  test('--json of a violation carries the counterexample', () => {
    const fake = fakeJava(fixture('paxos-ignore-promises.out'), 12);
    const r = synod(
      ['tlc', 'tla/Paxos.tla', '--config', 'tla/Paxos_ignore_promises.cfg', '--json'],
      fake.env,
    );
    expect(r.code).toBe(10);
    const j = json(r.stdout);
    expect(j).toMatchObject({
      status: 'violation',
      violation: 'invariant',
      property: 'Agreement',
      depth: 13,
      exitCode: 10,
      tlcExitCode: 12,
    });
    expect(j.counterexample).toHaveLength(13);
    expect(j.counterexample![0]).toMatchObject({ index: 1, action: 'Initial predicate' });
    expect(j.counterexample![12]!.variables['maxVal']).toBe('(a1 :> v2 @@ a2 :> v2 @@ a3 :> v1)');
  });

  test('a deadlock: exit 12', () => {
    const fake = fakeJava(fixture('deadlock.out'), 11);
    const r = synod(['tlc', 'tla/Paxos.tla'], fake.env);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('✗ Deadlock reached');
    expect(r.stdout).toContain('  2  Action  line 14, col 5 to line 17, col 32 of module Handoff\n');
    expect(r.stdout).toContain('       holder: "p1" → "p2"\n       queue: <<"p2", "p3">> → <<"p3">>\n');
  });

  test('a temporal property violation: exit 11, stuttering and loops explained', () => {
    const plain = synod(['tlc', 'tla/Paxos.tla'], fakeJava(fixture('temporal.out'), 13).env);
    expect(plain.code).toBe(11);
    expect(plain.stdout).toContain('✗ Temporal properties are violated');
    expect(plain.stdout).toContain('  4  Stuttering\n       (state 3 repeats forever)');
    const tool = synod(['tlc', 'tla/Paxos.tla', '--json'], fakeJava(fixture('temporal-tool.out'), 13).env);
    expect(tool.code).toBe(11);
    expect(json(tool.stdout)).toMatchObject({
      status: 'violation',
      violation: 'temporal',
      property: 'EventuallyGranted',
    });
  });

  test('a parse error reported by TLC: exit 150, with SANY’s message', () => {
    const fake = fakeJava(fixture('parse-error.out'), 150);
    const r = synod(['tlc', 'tla/Paxos.tla'], fake.env);
    expect(r.code).toBe(150);
    expect(r.stdout).toContain('✗ TLC reported a parse or semantic error in the spec');
    expect(r.stdout).toContain(
      '  Encountered "Beginning of definition" at line 144, column 1 and token "Phase2a"',
    );
    const j = json(synod(['tlc', 'tla/Paxos.tla', '--json'], fake.env).stdout);
    expect(j).toMatchObject({ status: 'error', errorKind: 'parse', exitCode: 150, counterexample: null });
  });

  test('a config error reported by TLC: exit 150', () => {
    const r = synod(['tlc', 'tla/Paxos.tla'], fakeJava(fixture('config-error.out'), 151).env);
    expect(r.code).toBe(150);
    expect(r.stdout).toContain('✗ TLC reported an error in the model config');
    expect(r.stdout).toContain(
      '  The invariant Agreemnt specified in the configuration file\n  is not defined',
    );
  });

  test('output synod does not understand: exit 255, TLC’s last lines on stderr', () => {
    const fake = fakeJava('Exception in thread "main" java.lang.NoClassDefFoundError: tlc2/TLC\n', 1);
    const r = synod(['tlc', 'tla/Paxos.tla'], fake.env);
    expect(r.code).toBe(255);
    expect(r.stdout).toContain('✗ TLC finished without a verdict synod understands');
    expect(r.stderr).toContain('[E_TLC_OUTPUT]');
    expect(r.stderr).toContain('java.lang.NoClassDefFoundError: tlc2/TLC');
    expect(json(synod(['tlc', 'tla/Paxos.tla', '--json'], fake.env).stdout).status).toBe('unknown');
  });
});

describe('synod tlc: bad input and missing tools', () => {
  test('--help teaches usage, environment and exit codes', () => {
    const r = synod(['tlc', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: synod tlc <file\.tla>/);
    expect(r.stdout).toContain('TLA2TOOLS_JAR');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain('synod tlc tla/Paxos.tla --config tla/Paxos_ignore_promises.cfg');
  });

  test.each([
    [[], 'E_ARG_MISSING', 'which TLA+ module?'],
    [['tla/Paxos.tla', 'tla/Other.tla'], 'E_ARG_EXTRA', 'one module at a time'],
    [['tla/Paxos.cfg'], 'E_TLC_NOT_TLA', 'tla/Paxos.cfg is not a TLA+ module'],
    [['tla/Nope.tla'], 'E_FILE_NOT_FOUND', 'no such TLA+ module: tla/Nope.tla'],
    [['tla/Paxos.tla', '--config', 'tla/Nope.cfg'], 'E_FILE_NOT_FOUND', 'no such TLC config: tla/Nope.cfg'],
    [['tla/Paxos.tla', '--workers', '0'], 'E_ARG_RANGE', '--workers must be between 1 and 1024'],
    [['tla/Paxos.tla', '--frobnicate'], 'E_ARG_UNKNOWN', 'unknown option --frobnicate'],
  ])('synod tlc %j: exit 150 [%s]', (args, code, message) => {
    const r = synod(['tlc', ...args]);
    expect(r.code).toBe(150);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`[${code}]`);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('(see synod tlc --help)');
  });

  test('TLA2TOOLS_JAR unset: exit 150 with what to download and set', () => {
    const fake = fakeJava(fixture('paxos-ok.out'), 0);
    const r = synod(['tlc', 'tla/Paxos.tla'], { ...fake.env, TLA2TOOLS_JAR: undefined });
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('[E_TLC_JAR_MISSING]');
    expect(r.stderr).toContain(
      'TLA2TOOLS_JAR is not set: download tla2tools.jar from the TLA+ releases (https://github.com/tlaplus/tlaplus/releases) and set TLA2TOOLS_JAR=/path/to/tla2tools.jar',
    );
  });

  test('TLA2TOOLS_JAR pointing to nothing: exit 150', () => {
    const fake = fakeJava(fixture('paxos-ok.out'), 0);
    const r = synod(['tlc', 'tla/Paxos.tla'], { ...fake.env, TLA2TOOLS_JAR: join(tmp, 'absent.jar') });
    expect(r.code).toBe(150);
    expect(r.stderr).toContain(`tla2tools.jar was not found at ${join(tmp, 'absent.jar')}`);
  });

  test('no java on PATH: exit 150 with what to install', () => {
    const empty = join(tmp, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const r = synod(['tlc', 'tla/Paxos.tla'], { PATH: empty, TLA2TOOLS_JAR: jar });
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('[E_JAVA_MISSING]');
    expect(r.stderr).toContain(
      'Java was not found on PATH: install a JDK 11+ (Debian: apt-get install default-jre-headless)',
    );
  });
});
