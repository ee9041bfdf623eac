// `synod conform` through the real binary: exit codes by verdict, the reports it writes, directory
// and glob inputs, thresholds, and bad input answered in one line (never a stack trace).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synod, ROOT } from '../test/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-conform-'));
const example = join(ROOT, 'traces/__fixtures__/paxos-3.ndjson');
const lines = readFileSync(example, 'utf8').trimEnd().split('\n');
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
// The README's example with n2's vote changed to another value: n1 decides "x" on a vote for "y".
const broken = file(
  'broken.ndjson',
  `${lines
    .map((l) =>
      l.includes('"kind":"send","t":12,"node":"n2"')
        ? l.replace(
            '"type":"accepted","ballot":{"round":1,"node":"n1"},"value":"x"',
            '"type":"accepted","ballot":{"round":1,"node":"n1"},"value":"y"',
          )
        : l,
    )
    .join('\n')}\n`,
);

describe('synod conform', () => {
  it('teaches in --help: invariants, metrics, formats, exit codes', () => {
    const r = synod(['conform', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--report LIST/);
    expect(r.stdout).toMatch(/--thresholds FILE/);
    expect(r.stdout).toMatch(/13 a metric missed its threshold/);
  });

  it('a conforming trace exits 0 and shows the verdict and the invariant table', () => {
    const r = synod(['conform', example]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/conforms/);
    for (const inv of ['agreement', 'acceptor-accept', 'quorum']) expect(r.stdout).toContain(inv);
  });

  it('a safety violation exits 10 and names the invariant, the lines and the reason', () => {
    const r = synod(['conform', broken]);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('quorum');
    expect(r.stdout).toMatch(/not a phase-2 quorum|no acceptor had voted/);
    expect(r.stdout).toMatch(/line 18 {2}decide n1 s0 "x"/); // the decide, with its line
  });

  it('writes every report to --out', () => {
    const out = join(dir, 'reports');
    const r = synod(['conform', broken, '--report', 'all', '--out', out]);
    expect(r.code).toBe(10);
    for (const f of ['conformance.json', 'junit.xml', 'conformance.md', 'conformance.html']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const json = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8'));
    expect(json.verdict).toBe('violated');
    expect(json.exitCode).toBe(10);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testcase[^>]*name="invariant: quorum"/);
    expect(readFileSync(join(out, 'conformance.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('the JSON report is the same whether or not the HTML report is asked for', () => {
    const alone = join(dir, 'json-alone');
    const withHtml = join(dir, 'json-with-html');
    expect(synod(['conform', broken, '--report', 'json', '--out', alone, '--deterministic']).code).toBe(10);
    expect(
      synod(['conform', broken, '--report', 'json,html', '--out', withHtml, '--deterministic']).code,
    ).toBe(10);
    const json = readFileSync(join(alone, 'conformance.json'), 'utf8');
    expect(json).not.toContain('"timeline"');
    expect(readFileSync(join(withHtml, 'conformance.json'), 'utf8')).toBe(json);
    // The diagram's events are in the HTML report.
    expect(readFileSync(join(withHtml, 'conformance.html'), 'utf8')).toContain('"timeline"');
    const stdout = synod([
      'conform',
      broken,
      '--report',
      'html',
      '--out',
      withHtml,
      '--json',
      '--deterministic',
    ]);
    expect(stdout.stdout).toBe(json);
  });

  it('checks a directory: one row per trace, the worst verdict decides', () => {
    const sub = join(dir, 'many');
    const r0 = synod(['conform', join(ROOT, 'traces/__fixtures__'), '--json']);
    expect(r0.code).not.toBe(255);
    const many = mkdtempSync(join(dir, 'many-'));
    writeFileSync(join(many, 'a.ndjson'), readFileSync(example));
    writeFileSync(join(many, 'b.ndjson'), readFileSync(broken));
    const r = synod(['conform', many, '--json']);
    expect(r.code).toBe(10);
    const res = JSON.parse(r.stdout) as { traces: Array<{ verdict: string }> };
    expect(res.traces.map((t) => t.verdict)).toEqual(['conforms', 'violated']);
    const g = synod(['conform', `${many}/*.ndjson`, '--json']);
    expect(JSON.parse(g.stdout).traces).toHaveLength(2);
    expect(sub).toBeTruthy();
  });

  it('a missed threshold exits 13; a metric without samples is not a miss', () => {
    // Only n1 decides in the example, so the others lag one slot behind it, and no slot is decided
    // by a quorum of nodes: decision.quorum has no samples.
    const t = file(
      't.json',
      JSON.stringify({ 'coherence.lag.max': '<= 0', 'decision.quorum.p99': '<= 1ms' }),
    );
    const r = synod(['conform', example, '--thresholds', t, '--json']);
    expect(r.code).toBe(13);
    const res = JSON.parse(r.stdout);
    expect(res.traces[0].thresholds).toMatchObject([
      { key: 'coherence.lag.max', status: 'missed', actual: 1 },
      { key: 'decision.quorum.p99', status: 'no-data' },
    ]);
    const ok = file(
      'ok.json',
      JSON.stringify({ 'coherence.lag.max': '<= 1', 'decision.quorum.p99': '<= 1ms' }),
    );
    expect(synod(['conform', example, '--thresholds', ok]).code).toBe(0);
  });

  it('a malformed trace exits 150 with file:line:column and the error code', () => {
    const bad = file('bad.ndjson', `${lines.slice(0, 3).join('\n')}\n{"kind":"send","t":1,`);
    const r = synod(['conform', bad]);
    expect(r.code).toBe(150);
    expect(r.stdout + r.stderr).toMatch(/bad\.ndjson:4:\d+: truncated-line/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  // The malformed-input zoo: every kind of broken trace gets its code and exit 150, never a crash.
  const head = lines[0] as string;
  const ev = lines[1] as string;
  it.each([
    ['empty file', '', 'missing-header'],
    ['no header', `${ev}\n`, 'missing-header'],
    ['two headers', `${head}\n${head}\n${ev}\n`, 'duplicate-header'],
    ['truncated last line', `${head}\n${ev.slice(0, 30)}`, 'truncated-line'],
    ['not JSON', `${head}\n{"kind":"crash",,}\n`, 'invalid-json'],
    [
      'not UTF-8',
      Buffer.concat([
        Buffer.from(`${head}\n{"kind":"crash","node":"n`),
        Buffer.from([0xff]),
        Buffer.from('"}\n'),
      ]),
      'invalid-utf8',
    ],
    [
      'enormous number',
      `${head}\n{"kind":"decide","node":"n1","slot":1e400,"value":1}\n`,
      'number-out-of-range',
    ],
    [
      'unsafe integer',
      `${head}\n{"kind":"decide","node":"n1","slot":9007199254740993,"value":1}\n`,
      'number-out-of-range',
    ],
    ['unknown kind', `${head}\n{"kind":"teleport","node":"n1"}\n`, 'unknown-kind'],
    [
      '__proto__ key',
      `${head}\n{"kind":"crash","node":"n1","x":{"__proto__":{"polluted":1}}}\n`,
      'forbidden-key',
    ],
    ['unknown node', `${head}\n{"kind":"crash","node":"n9"}\n`, 'unknown-node'],
    ['unknown field', `${head}\n{"kind":"crash","node":"n1","colour":"red"}\n`, 'invalid-event'],
    ['other format', `{"kind":"header","format":"jepsen","version":1}\n`, 'unsupported-format'],
  ])('malformed: %s -> %s, exit 150', (name, text, code) => {
    const p = join(dir, `zoo-${name.replace(/\W+/g, '-')}.ndjson`);
    writeFileSync(p, text);
    const r = synod(['conform', p, '--json']);
    expect(r.code).toBe(150);
    const res = JSON.parse(r.stdout) as {
      verdict: string;
      traces: Array<{ errors: Array<{ code: string }> }>;
    };
    expect(res.verdict).toBe('malformed');
    expect(res.traces[0]?.errors.map((e) => e.code)).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['conform'], /which trace\?/],
    [['conform', join(dir, 'nope.ndjson')], /no such file or directory/],
    [['conform', example, '--report', 'pdf'], /unknown format "pdf"/],
    [['conform', example, '--thresholds', join(dir, 'none.json')], /cannot read the thresholds file/],
    [['conform', `${dir}/*.nothing`], /no file matches/],
  ])('bad input %j exits 150 with one clear line', (args, message) => {
    const r = synod(args);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--out naming a file exits 150 with one line', () => {
    const r = synod(['conform', example, '--report', 'json', '--out', example]);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/cannot write the reports to/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a ** glob finds traces at any depth, each once', () => {
    const root = mkdtempSync(join(dir, 'deep-'));
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'top.ndjson'), readFileSync(example));
    writeFileSync(join(root, 'a', 'b', 'low.ndjson'), readFileSync(example));
    const r = synod(['conform', `${root}/**`, `${root}/**/*.ndjson`, '--json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as { traces: Array<{ source: string }> };
    expect(res.traces.map((t) => t.source.slice(root.length))).toEqual(['/a/b/low.ndjson', '/top.ndjson']);
  });

  it('a thresholds file with an unknown metric exits 150 and names it', () => {
    const t = file('bad-t.json', JSON.stringify({ 'latency.p99': '<= 1s' }));
    const r = synod(['conform', example, '--thresholds', t]);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/latency/);
  });

  it('--jobs: several traces on worker threads give the same report as one after the other', () => {
    // The corpus: conforming, violating and malformed traces (the worst verdict is malformed).
    const corpus = join(ROOT, 'traces/corpus');
    const one = synod(['conform', corpus, '--json', '--deterministic', '--jobs', '1']);
    const three = synod(['conform', corpus, '--json', '--deterministic', '--jobs', '3']);
    expect(one.code).toBe(150);
    expect(three.code).toBe(one.code);
    const parsed = JSON.parse(three.stdout) as { traces: { source: string }[] };
    expect(parsed.traces.length).toBeGreaterThan(10);
    expect(three.stdout).toBe(one.stdout);
  });

  it('--jobs takes a whole number or auto', () => {
    for (const bad of ['0', 'x', '2.5']) {
      const r = synod(['conform', example, '--jobs', bad]);
      expect(r.code).toBe(150);
      expect(r.stderr).toMatch(/--jobs/);
      expect(r.stderr.trim().split('\n')).toHaveLength(2); // the error and the --help hint
    }
    expect(synod(['conform', example, '--jobs', 'auto']).code).toBe(0);
  });
});
