// The reader's WebAssembly fast path: every line it builds equals JSON.parse of the line and passes
// the full path's checks (schema, header nodes, forbidden keys), on simulator traces and on
// mutated lines; the reader gives the same records and errors with and without it; and the
// embedded module is what traces/scripts/build-scan.sh builds from traces/scan/scan.c.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, describe, expect, test } from 'vitest';
import { parseProtocolParams, protocols } from '../impl/protocols.js';
import { simulate, type SimulationOptions } from '../impl/sim/index.js';
import { LineChecker, findForbiddenKey } from './check.js';
import { FastLines } from './fastLines.js';
import { readTrace, validateTrace, type TraceError, type TraceRecord } from './index.js';
import { TraceWriter } from './TraceWriter.js';
import type { TraceHeader } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), 'synod-fast-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A Multi-Paxos simulator trace as text (batches of up to `batch` commands). */
function simText(seed: number, batch: number, faults: boolean, adaptive = false): string {
  const file = join(tmp, `sim-${seed}-${batch}-${faults}-${adaptive}.ndjson`);
  const writer = new TraceWriter(file);
  const protocol = adaptive ? 'adaptive' : 'multipaxos';
  const params = parseProtocolParams(protocol, [`batchSize=${batch}`], 5);
  if (!params.ok) throw new Error(params.message);
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const workload = { rate: 2000, clients: 100, keys: 20, timeout: 3000 };
  const options: SimulationOptions = {
    behavior: protocols[protocol].behavior,
    nodes,
    params: { ...params.params },
    seed,
    duration: 1500,
    // Adaptive: accepts and client events name a criticality class, quorums per class.
    workload: adaptive ? { ...workload, classes: { critical: 0.2, routine: 0.8 } } : workload,
    ...(adaptive ? { quorum: protocols.adaptive.quorum(params.params, nodes) } : {}),
    trace: writer,
    ...(faults
      ? {
          network: { loss: 0.03, duplicate: 0.03, reorder: 0.05 },
          scenario: {
            faults: [
              { at: 300, kind: 'crash', node: 'n2', end: 700 },
              {
                at: 800,
                kind: 'partition',
                groups: [
                  ['n1', 'n3'],
                  ['n2', 'n4', 'n5'],
                ],
                end: 1100,
              },
            ],
          },
        }
      : {}),
  };
  simulate(options);
  void writer.close();
  return readFileSync(file, 'utf8');
}

/** Runs the scanner over `lines` (after the header) and returns what it built for each. */
function scanned(
  header: TraceHeader,
  lines: string[],
  fast = FastLines.for(header, (t) => JSON.parse(t))!,
): unknown[] {
  const out: unknown[] = [];
  // In pieces of 2,000 lines (the scanner takes at most 1 MiB at once).
  for (let i = 0; i < lines.length; i += 2000) {
    const bytes = Buffer.from(
      lines
        .slice(i, i + 2000)
        .map((l) => l + '\n')
        .join(''),
      'utf8',
    );
    fast.scan(bytes, (l) => {
      out.push(l.event);
      return true;
    });
  }
  return out;
}

/** What the full path says about a line: its value and errors. */
function fullPath(checker: LineChecker, line: string): { value: unknown; errors: readonly TraceError[] } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { value: undefined, errors: [{ code: 'invalid-json', message: 'x', line: 0 }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { value, errors: [{ code: 'invalid-event', message: 'x', line: 0 }] };
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined)
    return { value, errors: [{ code: 'forbidden-key', message: forbidden, line: 0 }] };
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string') return { value, errors: [{ code: 'invalid-event', message: 'x', line: 0 }] };
  return { value, errors: checker.checkEvent(value as Record<string, unknown>, kind, 2) };
}

const traces = [simText(1, 8, false), simText(2, 16, true), simText(3, 1, true), simText(4, 8, true, true)];

describe('FastLines', () => {
  test('on simulator traces: most lines are built, each equal to JSON.parse and valid', () => {
    for (const text of traces) {
      const [head, ...lines] = text.trimEnd().split('\n');
      const header = JSON.parse(head!) as TraceHeader;
      const checker = new LineChecker();
      checker.checkHeader(header, 1);
      const built = scanned(header, lines);
      let fast = 0;
      lines.forEach((line, i) => {
        const e = built[i];
        if (e === undefined) return;
        fast++;
        // Same values and the same key order.
        expect(JSON.stringify(e)).toBe(JSON.stringify(JSON.parse(line)));
        expect(fullPath(checker, line).errors).toEqual([]);
      });
      expect(fast).toBeGreaterThan(lines.length / 2);
    }
  });

  const [head, ...sample] = traces[1]!.trimEnd().split('\n');
  const header = JSON.parse(head!) as TraceHeader;
  // Random single-character edits, and targeted ones: a key right after a `{` (forbidden names
  // among them), and a number replaced by one at or past 2^53 (or a fraction, a negative, an exponent).
  const edit = fc.oneof(
    fc.record({
      at: fc.nat(),
      op: fc.constantFrom('delete', 'insert', 'replace'),
      ch: fc.constantFrom(...'{}[]":,\\ .-+e0123456789nulltruefalseé\u0000\r_pro'.split(''), 'n9', '1e400'),
    }),
    fc.record({
      at: fc.nat(),
      op: fc.constant('key' as const),
      ch: fc.constantFrom('"__proto__":1,', '"constructor":{},', '"prototype":[],', '"x":1,', '"type":"y",'),
    }),
    fc.record({
      at: fc.nat(),
      op: fc.constant('number' as const),
      ch: fc.constantFrom('9007199254740991', '9007199254740992', '99999999999999999', '0.5', '-1', '1e3'),
    }),
  );
  // One scanner for all runs: its cache of values then holds the intact lines' values.
  const scanner = FastLines.for(header, (t) => JSON.parse(t))!;
  scanned(header, sample, scanner);
  let builtMutants = 0;
  fcTest.prop([fc.nat({ max: sample.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 })], {
    numRuns: 10_000,
  })(
    'a mutated line is built only when the full path accepts it, and then as JSON.parse reads it',
    (i, edits) => {
      let line = sample[i]!;
      for (const e of edits) {
        if (e.op === 'key' || e.op === 'number') {
          // At the k-th `{` (a key), or the k-th run of digits (a number).
          const spots = [...line.matchAll(e.op === 'key' ? /\{/g : /[0-9]+/g)];
          const m = spots[e.at % Math.max(1, spots.length)];
          if (m === undefined) continue;
          const at = m.index + (e.op === 'key' ? 1 : 0);
          line = line.slice(0, at) + e.ch + line.slice(at + (e.op === 'key' ? 0 : m[0].length));
          continue;
        }
        const at = e.at % (line.length + 1);
        const cut = e.op === 'insert' ? 0 : 1;
        line = line.slice(0, at) + (e.op === 'delete' ? '' : e.ch) + line.slice(at + cut);
      }
      if (line.includes('\n')) return;
      const checker = new LineChecker();
      checker.checkHeader(header, 1);
      const [built] = scanned(header, [line], scanner);
      if (built === undefined) return;
      builtMutants++;
      const full = fullPath(checker, line);
      expect(full.errors).toEqual([]);
      expect(JSON.stringify(built)).toBe(JSON.stringify(full.value));
    },
  );

  test('(the property above built hundreds of mutated lines, so it tested something)', () => {
    expect(builtMutants).toBeGreaterThan(150);
  });

  test('a class on an accept is built under adaptive (untyped messages), not under multipaxos (its schema forbids one)', () => {
    const accept =
      '{"kind":"send","t":1,"node":"n1","to":"n2","id":3,"msg":{"type":"accept","ballot":{"round":1,"node":"n1"},"slot":0,"value":[1],"class":"critical"}}';
    const h = JSON.parse(head!) as TraceHeader;
    expect(scanned(h, [accept])).toEqual([undefined]);
    expect(scanned({ ...h, protocol: 'adaptive' }, [accept])).toEqual([JSON.parse(accept)]);
    // Client classes are non-empty strings under every protocol.
    const ok =
      '{"kind":"ok","t":2,"node":"n1","process":1,"op":1,"f":"read","key":"k","value":null,"class":""}';
    expect(scanned({ ...h, protocol: 'adaptive' }, [ok, ok.replace('""', '"routine"')])).toEqual([
      undefined,
      JSON.parse(ok.replace('""', '"routine"')),
    ]);
  });

  test('persisted votes and decided batches are built from columns; near forms as one value, or by the full path', () => {
    const h = JSON.parse(head!) as TraceHeader;
    const batch =
      '[{"f":"write","key":"k1","value":7,"op":7,"client":3},{"f":"read","key":"k2","op":8,"client":4}]';
    const at = (vars: string): string => `{"kind":"persist","t":5.5,"node":"n2","vars":${vars}}`;
    const columns = [
      at(`{"v.12":{"ballot":{"round":3,"node":"n4"},"value":${batch}}}`),
      at(`{"d.12":${batch}}`),
      at(`{"d.0":null}`),
      at(`{"v.9007199254740991":{"ballot":{"round":0,"node":"n1"},"value":[]}}`),
    ];
    const oneValue = [
      at(`{"v.012":{"ballot":{"round":3,"node":"n4"},"value":${batch}}}`), // not the slot's own text
      at(`{"v.12":{"ballot":{"round":3,"node":"n4"},"value":${batch}},"round":3}`),
      at(`{"v.12":{"value":${batch},"ballot":{"round":3,"node":"n4"}}}`),
      at(`{"v.12":null}`),
      at(`{"d.12":${batch},"d.13":${batch}}`),
      at(`{"v.9007199254740992":{"ballot":{"round":0,"node":"n1"},"value":[]}}`),
      at(`{"x.12":${batch}}`),
      // A batch the scanner first meets in a vote that turns out to have a second variable: the
      // text it cached is forgotten, so the next line reads the batch itself.
      at(`{"v.13":{"ballot":{"round":3,"node":"n4"},"value":${batch.replace('k1', 'k9')}},"d.1":null}`),
      at(`{"d.13":${batch.replace('k1', 'k9')}}`),
    ];
    const lines = [
      ...columns,
      ...oneValue,
      // Not a ballot of the header's nodes, or of a round: `vars` is free-form, still valid.
      at(`{"v.12":{"ballot":{"round":3,"node":"n9"},"value":${batch}}}`),
      at(`{"v.12":{"ballot":{"round":-3,"node":"n4"},"value":${batch}}}`),
    ];
    // Equal to JSON.parse, keys in the same order.
    expect(scanned(h, lines).map((e) => JSON.stringify(e))).toEqual(
      lines.map((l) => JSON.stringify(JSON.parse(l))),
    );
    const broken = at(`{"d.12":${batch.slice(0, -1)}}`);
    expect(scanned(h, [broken])).toEqual([undefined]);
    const built = scanned(h, columns);
    // A batch first seen in a vote is then the same object in the decided batch.
    const [vote, decided] = built as Array<{ vars: Record<string, unknown> }>;
    expect((decided!.vars['d.12'] as unknown[]) === (vote!.vars['v.12'] as { value: unknown }).value).toBe(
      true,
    );
  });

  test('a value followed by an optional field (a decide naming its ballot) is still the cached one', () => {
    const h = JSON.parse(head!) as TraceHeader;
    const batch = '[{"f":"write","key":"k1","value":7,"op":7,"client":3}]';
    const lines = [
      `{"kind":"send","t":1,"node":"n1","to":"n2","id":1,"msg":{"type":"accept","ballot":{"round":1,"node":"n1"},"slot":4,"value":${batch}}}`,
      `{"kind":"decide","t":2,"node":"n1","slot":4,"value":${batch},"ballot":{"round":1,"node":"n1"}}`,
      `{"kind":"send","t":2,"node":"n1","to":"n2","id":2,"msg":{"type":"decide","slot":4,"value":${batch},"ballot":{"round":1,"node":"n1"}}}`,
    ];
    const [accept, decide, message] = scanned(h, lines) as Array<Record<string, Record<string, unknown>>>;
    expect(decide).toEqual(JSON.parse(lines[1]!));
    expect(decide!.value === accept!.msg!.value).toBe(true);
    expect(message!.msg!.value === accept!.msg!.value).toBe(true);
  });

  test('a repeated message is one object; a message differing in any field is its own', () => {
    const h = { ...(JSON.parse(head!) as TraceHeader), protocol: 'adaptive' };
    const batch = '[{"f":"write","key":"k1","value":7,"op":7,"client":3}]';
    const accept = (to: string, fields: string): string =>
      `{"kind":"send","t":1,"node":"n1","to":"${to}","id":1,"msg":{"type":"accept",${fields}}}`;
    const base = `"ballot":{"round":1,"node":"n1"},"slot":4,"value":${batch},"class":"critical"`;
    const variants = [
      base.replace('"slot":4', '"slot":5'),
      base.replace('"round":1', '"round":2'),
      base.replace('"node":"n1"', '"node":"n2"'),
      base.replace('"value":7', '"value":8'),
      base.replace('critical', 'routine'),
      base.replace(',"class":"critical"', ''),
    ];
    // The base message to two peers, then each variant after the base message again.
    const lines = [accept('n2', base), accept('n3', base)];
    for (const v of variants) lines.push(accept('n4', base), accept('n5', v));
    const built = scanned(h, lines) as Array<{ msg: unknown }>;
    expect(built.map((e) => JSON.stringify(e))).toEqual(lines.map((l) => JSON.stringify(JSON.parse(l))));
    expect(built[1]!.msg === built[0]!.msg).toBe(true);
    for (let i = 2; i < lines.length; i += 2) expect(built[i + 1]!.msg === built[i]!.msg).toBe(false);
  });

  test('other protocols, and node names it cannot hold, get no scanner', () => {
    const h = JSON.parse(head!) as TraceHeader;
    expect(FastLines.for({ ...h, protocol: 'paxos' }, JSON.parse)).toBeUndefined();
    expect(FastLines.for({ ...h, nodes: ['a-node-name-longer-than-16'] }, JSON.parse)).toBeUndefined();
    expect(FastLines.for(h, JSON.parse)).toBeDefined();
  });
});

describe('readTrace with fast', () => {
  const read = async (
    text: string,
    options: { fast: boolean; maxLineBytes?: number; omitVars?: boolean },
  ) => {
    const file = join(tmp, 'read.ndjson');
    writeFileSync(file, text);
    const reader = readTrace(file, { ...options, maxErrors: 1000 });
    const records: TraceRecord[] = [];
    for await (const batch of reader.batches()) records.push(...batch);
    return { records, errors: reader.errors, lines: reader.lines };
  };

  test('the same records, line numbers and errors as the full path, on traces with broken lines mixed in', async () => {
    for (const text of traces) {
      const lines = text.trimEnd().split('\n');
      // Break every 97th line in one of several ways (CRLF, a bad byte, a forbidden key, an
      // unknown node, a missing field, a blank line).
      const broken = lines.map((l, i) => {
        if (i === 0 || i % 37 !== 0) return l;
        switch ((i / 37) % 6) {
          case 0:
            return l + '\r';
          case 1:
            return l.replace('"node":"n', '"node":"m');
          case 2:
            return l.replace('{"kind"', '{"__proto__":1,"kind"');
          case 3:
            return l.replace(/,"t":[0-9.]+/, '');
          case 4:
            return '';
          default:
            return l.replace('"n1"', '"n1é"');
        }
      });
      const joined = broken.join('\n') + '\n';
      const slow = await read(joined, { fast: false });
      const fast = await read(joined, { fast: true });
      expect(fast.errors).toEqual(slow.errors);
      expect(fast.lines).toBe(slow.lines);
      expect(fast.records.length).toBe(slow.records.length);
      expect(JSON.stringify(fast.records)).toBe(JSON.stringify(slow.records));
      expect(slow.errors.length).toBeGreaterThan(10);
      // validateTrace with the scanner only counts the lines it accepts: the same summary.
      const file = join(tmp, 'validate.ndjson');
      writeFileSync(file, joined);
      const counted = await validateTrace(file, { fast: true, maxErrors: 1000 });
      expect(counted).toEqual(await validateTrace(file, { maxErrors: 1000 }));
      expect(counted.events).toBe(slow.records.length);
      // omitVars: the same records with persist and state variables left out, the same errors.
      const withoutVars = slow.records.map((r) =>
        r.event.kind === 'persist' || r.event.kind === 'state'
          ? { ...r, event: { ...r.event, vars: {} } }
          : r,
      );
      expect(withoutVars.some((r, i) => r !== slow.records[i])).toBe(true);
      for (const fastPath of [false, true]) {
        const omitted = await read(joined, { fast: fastPath, omitVars: true });
        expect(omitted.errors).toEqual(slow.errors);
        expect(JSON.stringify(omitted.records)).toBe(JSON.stringify(withoutVars));
        const persist = omitted.records.find((r) => r.event.kind === 'persist')!.event as { vars: object };
        expect(Object.isFrozen(persist.vars)).toBe(true);
      }
    }
  });

  test('omitVars: a state event read by the full path, and a broken persist line still an error', async () => {
    const [head] = traces[0]!.split('\n');
    const text = [
      head,
      '{"kind":"state","t":1,"node":"n1","vars":{"x":[1,2]}}',
      '{"kind":"persist","t":2,"node":"n1","vars":{"v.1":{"ballot":{"round":1,"node":"n1"},"value":[1]}}}',
      '{"kind":"persist","t":3,"node":"n1","vars":[1]}',
      '',
    ].join('\n');
    const r = await read(text, { fast: true, omitVars: true });
    expect(r.records.map((x) => x.event)).toEqual([
      { kind: 'state', t: 1, node: 'n1', vars: {} },
      { kind: 'persist', t: 2, node: 'n1', vars: {} },
    ]);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([[4, 'invalid-event']]);
  });

  test('maxLineBytes holds for lines the scanner could build', async () => {
    const text = traces[0]!;
    const slow = await read(text, { fast: false, maxLineBytes: 200 });
    const fast = await read(text, { fast: true, maxLineBytes: 200 });
    expect(fast.errors.slice(0, 50)).toEqual(slow.errors.slice(0, 50));
    expect(fast.errors[0]?.code).toBe('line-too-long');
  });
});

describe('the embedded scanner', () => {
  let clang = true;
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
  } catch {
    clang = false;
  }
  // CI installs clang and lld (.ci/run); elsewhere the rebuild needs them too.
  test.runIf(clang)('is what build-scan.sh builds from scan/scan.c', () => {
    const out = join(tmp, 'scan.generated.ts');
    execFileSync('sh', [new URL('./scripts/build-scan.sh', import.meta.url).pathname, out]);
    expect(readFileSync(out, 'utf8')).toBe(
      readFileSync(new URL('./scan.generated.ts', import.meta.url), 'utf8'),
    );
  });
});
