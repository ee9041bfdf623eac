// The conformance corpus (traces/corpus/, made by scripts/make-corpus.ts): every trace gets the
// verdict and exactly the violated invariants that expected.json records, and every invariant of
// the Paxos checker has a trace that violates it and nothing else.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { conform } from './conform.js';
import { PAXOS_INVARIANTS } from './safety/paxos.js';
import type { TraceConformance } from './types.js';

const DIR = fileURLToPath(new URL('../traces/corpus/', import.meta.url));

interface Expected {
  verdict: 'conforms' | 'violated' | 'malformed';
  violated: string[];
  description: string;
}

const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Record<string, Expected>;
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.ndjson'))
  .sort();

const violatedOf = (t: TraceConformance): string[] =>
  t.invariants
    .filter((i) => i.status === 'violated')
    .map((i) => i.name)
    .sort();

describe('traces/corpus', () => {
  const results = new Map<string, TraceConformance>();

  beforeAll(async () => {
    const r = await conform(
      files.map((f) => `${DIR}${f}`),
      { deterministic: true },
    );
    for (const t of r.traces) results.set(t.source.slice(DIR.length), t);
  });

  it('expected.json lists exactly the .ndjson files of the corpus', () => {
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it('keeps every file small (under 300 KB)', () => {
    for (const f of files) expect(statSync(`${DIR}${f}`).size, f).toBeLessThan(300_000);
  });

  it.each(files)('%s gets its expected verdict and violated invariants', (file) => {
    const want = expected[file];
    const got = results.get(file);
    expect(want, `${file} is not in expected.json`).toBeDefined();
    expect(got).toBeDefined();
    const t = got!;
    expect(t.verdict).toBe(want!.verdict);
    expect(violatedOf(t)).toEqual([...want!.violated].sort());
    if (want!.verdict === 'malformed') {
      expect(t.errors.length).toBeGreaterThan(0);
    } else {
      expect(t.errors).toEqual([]);
      expect(t.invariants.map((i) => i.name)).toEqual(Object.keys(PAXOS_INVARIANTS));
    }
    for (const inv of t.invariants.filter((i) => i.status === 'violated')) {
      // A violation is shown: a sentence and the window of events, in line order.
      expect(inv.violation?.message).toMatch(/\S/);
      const lines = inv.violation!.window.map((w) => w.line);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    }
  });

  it('has, for every invariant, a trace that violates it and nothing else', () => {
    const alone = new Map<string, string[]>();
    for (const [file, t] of results) {
      const v = violatedOf(t);
      if (t.verdict === 'violated' && v.length === 1) alone.set(v[0]!, [...(alone.get(v[0]!) ?? []), file]);
    }
    for (const name of Object.keys(PAXOS_INVARIANTS)) {
      expect(alone.get(name) ?? [], `no corpus trace violates ${name} alone`).not.toEqual([]);
    }
  });

  it('has conforming simulator traces of both protocols and malformed ones', () => {
    const by = (v: string): string[] => files.filter((f) => expected[f]?.verdict === v);
    const protocols = by('conforms').map((f) => results.get(f)?.header?.protocol);
    expect(new Set(protocols)).toEqual(new Set(['paxos', 'multipaxos']));
    expect(by('malformed').length).toBeGreaterThanOrEqual(2);
  });
});
