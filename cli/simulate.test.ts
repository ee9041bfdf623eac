import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTrace } from '../traces/index.js';
import { synod, ROOT } from '../test/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-sim-'));
const helpers = join(ROOT, 'dist/impl/sim/__test-helpers__/protocols.js');
const scenario = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('synod simulate', () => {
  it('teaches in --help, with an example scenario', () => {
    const r = synod(['simulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Scenario file/);
    expect(r.stdout).toMatch(/"crash": "n2", "restart": "15s"/);
    expect(r.stdout).toMatch(/--explore N/);
  });

  it('runs a cluster, prints the table, writes a trace that validates, and exits 0', async () => {
    const out = join(dir, 'run.ndjson');
    const faults = scenario(
      'ok.json',
      JSON.stringify({ faults: [{ at: '1s', crash: 'n2', restart: '2s' }] }),
    );
    const args = [
      'simulate',
      helpers,
      '--export',
      'fixedLeader',
      '--nodes',
      '5',
      '--seed',
      '7',
      '--duration',
      '5s',
      '--loss',
      '0.05',
      '--dup',
      '0.01',
      '--latency',
      'uniform:5ms..40ms',
      '--faults',
      faults,
      '--out',
      out,
    ];
    const r = synod(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^virtual 5\.0s \/ 5\.0s \(100%\) {2}decisions \d+/);
    expect(r.stdout).toMatch(/decision latency\s+p50 [\d.]+ms\s+p95 [\d.]+ms\s+p99/);
    expect(r.stdout).toMatch(/messages\/decision\s+[\d.]+/);
    expect(r.stdout).toMatch(/virtual in [\d.]+s wall/);
    const v = await validateTrace(out);
    expect(v.ok).toBe(true);
    const first = readFileSync(out, 'utf8');
    expect(synod(args).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(first);
  });

  it('prints --json', () => {
    const r = synod([
      'simulate',
      helpers,
      '--export',
      'fixedLeader',
      '--seed',
      '1',
      '--duration',
      '2s',
      '--json',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; stats: { decisions: number }; replayCommand: string };
    expect(j.status).toBe('ok');
    expect(j.stats.decisions).toBeGreaterThan(0);
    expect(j.replayCommand).toMatch(/--seed 1$/);
  });

  it('exits 10 with a report on a safety violation', () => {
    const r = synod(['simulate', helpers, '--export', 'selfish', '--seed', '1', '--duration', '1s']);
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/safety violation.*slot 0/);
    expect(r.stdout).toMatch(/n1.* decided "n1"/);
    expect(r.stdout).toMatch(/n2.* decided "n2"/);
    expect(r.stdout).toMatch(/replay: npx synod simulate .* --seed 1/);
  });

  it('exits 75 when a node handler throws', () => {
    const r = synod(['simulate', helpers, '--export', 'throwing', '--seed', '1', '--duration', '1s']);
    expect(r.code).toBe(75);
    expect(r.stdout).toMatch(/threw in onRequest/);
  });

  it.each([
    [
      'bad JSON, with line and column',
      '{\n  "faults": [\n    { "at": "1s" "crash": "n1" }\n  ]\n}',
      /bad\.json:3:18: not valid JSON/,
    ],
    [
      'an unknown node',
      '{"faults":[{"at":"1s","crash":"n9"}]}',
      /faults\[0\]\.crash: unknown node "n9" \(nodes: n1, n2, n3, n4, n5\)/,
    ],
    ['a bad duration', '{"faults":[{"at":"soon","crash":"n1"}]}', /faults\[0\]\.at: bad duration "soon"/],
    [
      'an unknown fault kind',
      '{"faults":[{"at":"1s","meteor":"n1"}]}',
      /faults\[0\]: unknown fault kind "meteor"/,
    ],
  ])('exits 150 on a scenario with %s', (_what, text, message) => {
    const file = scenario('bad.json', text);
    const r = synod(['simulate', helpers, '--export', 'fixedLeader', '--seed', '1', '--faults', file]);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/see synod simulate --help/);
  });

  it('exits 150 on bad arguments', () => {
    for (const args of [
      ['--latency', 'gaussian:4ms'],
      ['--loss', '1.5'],
      ['--duration', '10 years'],
      ['--link', 'n1-n9=fixed:1s'],
      ['--rate', 'fast'],
    ]) {
      const r = synod(['simulate', helpers, '--export', 'fixedLeader', ...args]);
      expect(r.code, args.join(' ')).toBe(150);
    }
    expect(synod(['simulate', 'no-such-protocol']).stderr).toMatch(/unknown protocol "no-such-protocol"/);
  });

  it('--explore finds the forgets-its-promise mutant, shrinks it, and the written scenario replays it', () => {
    const shrunk = join(dir, 'shrunk.json');
    const common = [
      helpers,
      '--export',
      'testPaxos',
      '--nodes',
      '3',
      '--duration',
      '1s',
      '--rate',
      '0',
      '--latency',
      'uniform:1ms..100ms',
      '--param',
      'forgetPromise=true',
    ];
    const r = synod([
      'simulate',
      ...common,
      '--explore',
      '300',
      '--seed',
      '5',
      '--max-faults',
      '8',
      '--out-scenario',
      shrunk,
    ]);
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/shrunk from \d+ to \d+ faults/);
    expect(existsSync(shrunk)).toBe(true);
    const replay = /replay: npx synod (.*)$/m.exec(r.stdout)![1]!;
    expect(replay).toMatch(/--faults/);
    const seed = /--seed (\d+)/.exec(replay)![1]!;
    const again = synod(['simulate', ...common, '--seed', seed, '--faults', shrunk]);
    expect(again.code).toBe(10);
    expect(again.stdout).toMatch(/safety violation/);
  });

  it('simulates adaptive with a criticality mix: per-class rows, a valid trace with classes, exit 0', async () => {
    const out = join(dir, 'adaptive.ndjson');
    const args = ['simulate', 'adaptive', '--nodes', '5', '--criticality-mix', 'critical:0.1,routine:0.9'];
    const r = synod([
      ...args,
      '--seed',
      '1',
      '--duration',
      '5s',
      '--param',
      'reconfigEveryMs=1000',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/class critical\s+ops ok \d+\/\d+ .*slots decided \d+\s+latency p50/);
    expect(r.stdout).toMatch(/class routine\s+ops ok \d+\/\d+/);
    const v = await validateTrace(out);
    expect(v.ok).toBe(true);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/"kind":"reconfig"/);
    expect(text).toMatch(/"kind":"invoke".*"class":"(critical|routine)"/);
    expect(synod(['simulate', '--help']).stdout).toMatch(/--criticality-mix M/);
  });

  it('refuses a bad --criticality-mix with exit 150', () => {
    for (const [mix, message] of [
      ['urgent:1', /unknown class "urgent" \(classes: critical, routine\)/],
      ['critical:-1', /weight of critical must be a number ≥ 0/],
      ['critical:0,routine:0', /must sum to more than 0/],
      ['critical=1', /class:weight pairs/],
    ] as const) {
      const r = synod(['simulate', 'adaptive', '--criticality-mix', mix, '--quiet']);
      expect(r.code, mix).toBe(150);
      expect(r.stderr).toMatch(message);
    }
    const r = synod(['simulate', 'multipaxos', '--criticality-mix', 'critical:1']);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/multipaxos has no criticality classes/);
  });
});
