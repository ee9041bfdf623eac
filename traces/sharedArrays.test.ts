import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, describe, expect, test } from 'vitest';
import { parseProtocolParams, protocols } from '../impl/protocols.js';
import { simulate } from '../impl/sim/index.js';
import { mayHoldForbiddenKey } from './check.js';
import { readTrace, type TraceRecord } from './read.js';
import { SharedArrayParser } from './sharedArrays.js';
import { TraceWriter } from './TraceWriter.js';

const tmp = mkdtempSync(join(tmpdir(), 'synod-shared-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What JSON.parse gives, or the fact that it throws. */
function outcome(parse: () => unknown): { ok: true; json: string } | { ok: false } {
  try {
    return { ok: true, json: JSON.stringify(parse()) };
  } catch {
    return { ok: false };
  }
}

// Keys and strings that stress the split: brackets and quotes inside strings, forbidden names,
// escapes (a backslash in the rest of the line turns the split off), the placeholder's own text,
// and values the placeholder could be mistaken for.
const tricky = fc.constantFrom(
  '[',
  ']',
  '"',
  '\\',
  '\u0000',
  '',
  '__proto__',
  'constructor',
  'x[y]',
  'é',
  '\\u005f',
);
const plainKey = fc.stringMatching(/^[a-z]{1,5}$/);
const key = fc.oneof({ weight: 4, arbitrary: plainKey }, { weight: 1, arbitrary: tricky });
const scalar = fc.oneof(
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: tricky },
);
const fields = (maxKeys: number) =>
  fc.dictionary(
    key,
    fc.oneof({ weight: 10, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }),
    {
      maxKeys,
    },
  );
// Plain inside the array, but for one tricky value in some lines (an escape or a forbidden name
// there leaves the line whole).
const command = fc.dictionary(plainKey, fc.oneof(fc.integer(), fc.stringMatching(/^[a-z0-9 ]{0,6}$/)), {
  minKeys: 1,
  maxKeys: 4,
});
/**
 * A line like a trace's: fields, one long array of records, more fields, optionally inside an
 * envelope with fields of its own before and after (so the placeholder is not always the first
 * string a walk meets).
 */
const line = fc
  .record({
    before: fields(3),
    batch: fc.array(command, { minLength: 20, maxLength: 50 }),
    spoil: fc.option(fc.tuple(fc.nat(), key, scalar), { freq: 4 }),
    after: fields(2),
    outer: fc.option(fc.record({ before: fields(2), after: fields(2) })),
    spaced: fc.boolean(),
  })
  .map(({ before, batch, after, spoil, outer, spaced }) => {
    if (spoil !== null) {
      const [i, k, v] = spoil;
      (batch[i % batch.length] as Record<string, unknown>)[k] = v;
    }
    const inner = { ...before, value: batch, ...after };
    const v = outer === null ? inner : { ...outer.before, msg: inner, ...outer.after };
    // With spaces between tokens (newlines in strings are escaped, so a formatted text is one line).
    return spaced ? JSON.stringify(v, null, 1).replace(/\n/g, ' ') : JSON.stringify(v);
  });

describe('SharedArrayParser', () => {
  fcTest.prop([fc.array(line, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 })])(
    'gives what JSON.parse gives, and the same forbidden-key answer, for lines with repeats',
    (lines, picks) => {
      const p = new SharedArrayParser();
      // Each line, then picks among them again (repeats are what the cache serves).
      for (const text of [...lines, ...picks.map((i) => lines[i % lines.length]!)]) {
        expect(outcome(() => p.parse(text))).toEqual(outcome(() => JSON.parse(text)));
        expect(p.mayHoldForbiddenKey).toBe(mayHoldForbiddenKey(text));
      }
    },
  );

  fcTest.prop([
    line,
    fc.array(
      fc.record({
        at: fc.nat(),
        op: fc.constantFrom('delete', 'insert'),
        ch: fc.constantFrom('[', ']', '{', '}', '"', ',', ':', '\\', ' ', 'x', '1'),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  ])('throws exactly when JSON.parse does, after the intact line was cached', (text, edits) => {
    const p = new SharedArrayParser();
    p.parse(text); // the array is now among the recent ones
    let broken = text;
    for (const e of edits) {
      const at = e.at % (broken.length + 1);
      broken =
        e.op === 'delete'
          ? broken.slice(0, at) + broken.slice(at + 1)
          : broken.slice(0, at) + e.ch + broken.slice(at);
    }
    expect(outcome(() => p.parse(broken))).toEqual(outcome(() => JSON.parse(broken)));
    expect(outcome(() => p.parse(text))).toEqual(outcome(() => JSON.parse(text)));
  });

  test('the generated lines exercise the split (the properties above would not test it otherwise)', () => {
    const p = new SharedArrayParser();
    const lines = fc.sample(line, { numRuns: 400, seed: 7 });
    // Each line twice in a row: the second finds its array among the recent ones.
    for (const text of lines) {
      p.parse(text);
      p.parse(text);
    }
    expect(p.hits).toBeGreaterThan(100);
  });

  const batch = Array.from({ length: 16 }, (_, i) => ({
    f: 'write',
    key: `k${i}`,
    value: i,
    op: i,
    client: i,
  }));
  const accept = (to: string): string =>
    JSON.stringify({
      kind: 'send',
      t: 1,
      node: 'n1',
      to,
      id: 1,
      msg: { type: 'accept', slot: 3, value: batch },
    });

  test('lines that carry the same array get one array; other fields stay their own', () => {
    const p = new SharedArrayParser();
    const a = p.parse(accept('n2')) as { to: string; msg: { value: unknown[] } };
    const b = p.parse(accept('n3')) as { to: string; msg: { value: unknown[] } };
    expect(b.msg.value).toBe(a.msg.value);
    expect(b.msg).not.toBe(a.msg);
    expect([a.to, b.to]).toEqual(['n2', 'n3']);
    expect(p.hits).toBe(1);
    expect(a).toEqual(JSON.parse(accept('n2')));
  });

  test('a forbidden key escaped inside the array is noticed, even when the array was seen before', () => {
    const bad = accept('n2').replace('"f":"write"', '"\\u005f_proto__":1');
    const p = new SharedArrayParser();
    for (let i = 0; i < 2; i++) {
      expect(p.parse(bad)).toEqual(JSON.parse(bad));
      expect(p.mayHoldForbiddenKey).toBe(true);
    }
  });

  test('short lines and short arrays are parsed whole', () => {
    const p = new SharedArrayParser();
    const short = JSON.stringify({ kind: 'decide', value: [1, 2, 3], pad: 'x'.repeat(600) });
    p.parse(short);
    p.parse(short);
    expect(p.hits).toBe(0);
  });
});

describe('readTrace with shareValues', () => {
  test('reads the same events as without it from a simulator trace, sharing batches between lines', async () => {
    const file = join(tmp, 'mp.ndjson');
    const writer = new TraceWriter(file);
    const params = parseProtocolParams('multipaxos', ['batchSize=16'], 5);
    if (!params.ok) throw new Error(params.message);
    simulate({
      behavior: protocols.multipaxos.behavior,
      nodes: 5,
      params: { ...params.params },
      seed: 3,
      duration: 2000,
      workload: { rate: 3000, clients: 200, keys: 50, timeout: 5000 },
      network: { loss: 0.02, duplicate: 0.02 },
      trace: writer,
    });
    await writer.close();
    const read = async (shareValues: boolean): Promise<TraceRecord[]> => {
      const out: TraceRecord[] = [];
      const reader = readTrace(file, { shareValues });
      for await (const batch of reader.batches()) out.push(...batch);
      expect(reader.errors).toEqual([]);
      return out;
    };
    const plain = await read(false);
    const shared = await read(true);
    expect(shared).toEqual(plain);
    expect(plain.length).toBeGreaterThan(10_000);
    // Decisions of one slot at several nodes hold one array (the plain reader's are all distinct).
    const decided = (records: TraceRecord[]): Set<unknown> =>
      new Set(
        records.flatMap((r) =>
          r.event.kind === 'decide' && JSON.stringify(r.event.value).length > 512 ? [r.event.value] : [],
        ),
      );
    const values = plain.filter(
      (r) => r.event.kind === 'decide' && JSON.stringify(r.event.value).length > 512,
    ).length;
    expect(values).toBeGreaterThan(100);
    expect(decided(plain).size).toBe(values);
    expect(decided(shared).size).toBeLessThan(values / 2);
  });
});
