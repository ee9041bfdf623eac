// The reader on the malformed-input zoo: each fixture gets its codes, lines, columns and fields,
// nothing throws, nothing pollutes a prototype; the error limit, over-long lines, chunking (any
// split of the bytes reads the same), other sources, and flat memory on a million events.
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, describe, expect, test } from 'vitest';
import { formatTraceError, type TraceError } from './errors.js';
import { readTrace, validateTrace, type TraceRecord, type TraceValidation } from './read.js';
import { TraceWriter } from './TraceWriter.js';
import type { TraceHeader } from './types.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'synod-traces-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER: TraceHeader = {
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol: 'paxos',
  nodes: ['n1', 'n2', 'n3'],
  quorum: { kind: 'majority' },
};
const HEADER_LINE = JSON.stringify(HEADER);

type Expected = Pick<TraceError, 'code' | 'line'> & Partial<Pick<TraceError, 'column' | 'field'>>;
const summary = (errors: TraceError[]): Expected[] =>
  errors.map(({ code, line, column, field }) => ({
    code,
    line,
    ...(column === undefined ? {} : { column }),
    ...(field === undefined ? {} : { field }),
  }));

describe('the valid example', () => {
  test('reads without errors: header, 20 events with their line numbers', async () => {
    const reader = readTrace(fixture('paxos-3.ndjson'));
    const lines: number[] = [];
    for await (const { line, event } of reader) {
      lines.push(line);
      expect(typeof event.kind).toBe('string');
    }
    expect(reader.errors).toEqual([]);
    expect(reader.header?.protocol).toBe('paxos');
    expect(lines).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(await validateTrace(fixture('paxos-3.ndjson'))).toMatchObject({ ok: true, events: 20, lines: 21 });
  });
});

// Each malformed fixture: the exact errors (code, line, column, field), valid events kept.
const ZOO: [string, Expected[], Partial<TraceValidation>][] = [
  ['empty.ndjson', [{ code: 'missing-header', line: 1 }], { events: 0 }],
  ['missing-header.ndjson', [{ code: 'missing-header', line: 1, field: '/kind' }], { events: 2 }],
  ['duplicate-header.ndjson', [{ code: 'duplicate-header', line: 3, field: '/kind' }], { events: 2 }],
  [
    'misplaced-header.ndjson',
    [
      { code: 'missing-header', line: 1, field: '/kind' },
      { code: 'misplaced-header', line: 2, field: '/kind' },
    ],
    { events: 2, header: undefined },
  ],
  [
    'unsupported-format.ndjson',
    [{ code: 'unsupported-format', line: 1, field: '/version' }],
    { events: 0, lines: 1, stoppedEarly: true },
  ],
  [
    'invalid-header.ndjson',
    [
      { code: 'invalid-header', line: 1, field: '/nodes' },
      { code: 'invalid-header', line: 1, field: '/quorum/q2' },
      { code: 'invalid-header', line: 1, field: '/clock' },
    ],
    { events: 1, header: undefined },
  ],
  [
    'invalid-json.ndjson',
    [
      { code: 'invalid-json', line: 2, column: 35 },
      { code: 'invalid-json', line: 3, column: 17 },
      { code: 'invalid-json', line: 4, column: 2 },
    ],
    { events: 1 },
  ],
  ['truncated-line.ndjson', [{ code: 'truncated-line', line: 3, column: 63 }], { events: 1 }],
  [
    'invalid-utf8.ndjson',
    [
      { code: 'invalid-utf8', line: 2, column: 54 },
      { code: 'invalid-utf8', line: 3, column: 52 },
      { code: 'truncated-line', line: 5, column: 50 },
    ],
    { events: 1 },
  ],
  [
    'number-out-of-range.ndjson',
    [
      { code: 'number-out-of-range', line: 2, field: '/slot' },
      { code: 'number-out-of-range', line: 3, field: '/op' },
      { code: 'number-out-of-range', line: 4, field: '/t' },
    ],
    { events: 1 },
  ],
  [
    'unknown-kind.ndjson',
    [
      { code: 'unknown-kind', line: 2, field: '/kind' },
      { code: 'unknown-kind', line: 4, field: '/kind' },
      { code: 'invalid-event', line: 5, field: '/kind' },
    ],
    { events: 1 },
  ],
  [
    'forbidden-key.ndjson',
    [
      { code: 'forbidden-key', line: 2, column: 43, field: '/vars/__proto__' },
      { code: 'forbidden-key', line: 3, column: 68, field: '/msg/constructor' },
      { code: 'forbidden-key', line: 4, field: '/vars/__proto__' },
    ],
    { events: 1 },
  ],
  [
    'invalid-event.ndjson',
    [
      { code: 'invalid-event', line: 2, field: '/to' },
      { code: 'invalid-event', line: 3, field: '/latency' },
      { code: 'invalid-event', line: 4, field: '/slot' },
      { code: 'invalid-event', line: 5, field: '/msg/ballot' },
      { code: 'invalid-event', line: 6, field: '/action' },
      { code: 'invalid-event', line: 7, field: '/msg/type' },
      { code: 'invalid-event', line: 8, field: '/kind' },
      { code: 'invalid-event', line: 9, field: '' },
    ],
    { events: 0 },
  ],
  [
    'unknown-node.ndjson',
    [
      { code: 'unknown-node', line: 2, field: '/to' },
      { code: 'unknown-node', line: 3, field: '/from' },
      { code: 'unknown-node', line: 4, field: '/vc/n9' },
      { code: 'unknown-node', line: 5, field: '/groups/1/1' },
    ],
    { events: 0 },
  ],
];

describe('malformed input is a list of errors, never a crash', () => {
  test.each(ZOO)('%s', async (name, expected, rest) => {
    const result = await validateTrace(fixture(`malformed/${name}`));
    expect(summary(result.errors)).toEqual(expected);
    expect(result).toMatchObject({ ok: false, ...rest });
    for (const e of result.errors) {
      // One readable sentence, no stack trace, no raw ajv wording.
      expect(e.message).not.toMatch(/\n|\bat \w+ \(|must match "then"/);
      expect(formatTraceError(e, name)).toMatch(
        new RegExp(`^${name.replace('.', '\\.')}:${e.line}(:\\d+)?: ${e.code}: `),
      );
    }
  });

  test('every fixture in __fixtures__/malformed is covered', async () => {
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(fixture('malformed')).sort()).toEqual(ZOO.map(([n]) => n).sort());
  });

  test('errors say what was expected', async () => {
    const { errors } = await validateTrace(fixture('malformed/invalid-event.ndjson'));
    expect(errors.map((e) => e.message)).toEqual([
      'field /to is missing (expected a non-empty string)',
      'field /latency is not allowed here (put implementation-specific data under "x")',
      '/slot: expected an integer from 0 to 2^53 - 1, got -1',
      '/msg/ballot: expected a Ballot object (with round, node), got 3',
      '/action: expected one of "set", "fire", "cancel", got the string "start"',
      '/msg/type: expected one of "prepare", "promise", "accept", "accepted", "nack", "decide", ' +
        'or a name starting with "x-", got the string "propose"',
      'field /kind is missing (expected a string)',
      'expected a JSON object, got an array',
    ]);
    const utf8 = await validateTrace(fixture('malformed/invalid-utf8.ndjson'));
    expect(formatTraceError(utf8.errors[0]!, 'run.ndjson')).toBe(
      'run.ndjson:2:54: invalid-utf8: the line is not valid UTF-8 (byte 0xe9 at column 54)',
    );
  });

  test('__proto__ and constructor keys never reach an object prototype', async () => {
    const seen: unknown[] = [];
    for await (const { event } of readTrace(fixture('malformed/forbidden-key.ndjson'))) seen.push(event);
    // The one event kept holds the words as values, not keys.
    expect(seen).toEqual([
      { kind: 'state', t: 4, node: 'n1', vars: { role: 'constructor', note: '__proto__' } },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  test('a missing file is an io-error', async () => {
    const r = await validateTrace(join(tmp, 'does-not-exist.ndjson'));
    expect(summary(r.errors)).toEqual([{ code: 'io-error', line: 0 }]);
    expect(r.errors[0]!.message).toMatch(/ENOENT/);
  });
});

describe('limits', () => {
  const bad = (n: number): string =>
    [HEADER_LINE, ...Array.from({ length: n }, (_, i) => `{"kind":"crash","node":"n${i + 10}"}`)].join('\n') +
    '\n';

  test('reading stops after maxErrors (default 20)', async () => {
    const path = join(tmp, 'many-errors.ndjson');
    writeFileSync(path, bad(100));
    const r = await validateTrace(path);
    expect(r.errors).toHaveLength(20);
    expect(r.errors.every((e) => e.code === 'unknown-node')).toBe(true);
    expect(r).toMatchObject({ stoppedEarly: true, lines: 21 });
    const few = await validateTrace(path, { maxErrors: 3 });
    expect(few.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    const reported: TraceError[] = [];
    await validateTrace(path, { maxErrors: 5, onError: (e) => reported.push(e) });
    expect(reported).toHaveLength(5);
  });

  test('under the limit, every error is reported and reading reaches the end', async () => {
    const r = await validateTrace([Buffer.from(bad(19))]);
    expect(r).toMatchObject({ stoppedEarly: false, lines: 20 });
    expect(r.errors).toHaveLength(19);
  });

  test('a line longer than maxLineBytes is skipped, in one chunk or across many', async () => {
    const long = `{"kind":"state","node":"n1","vars":{"blob":"${'a'.repeat(500)}"}}`;
    const text =
      [HEADER_LINE, '{"kind":"crash","node":"n1"}', long, '{"kind":"restart","node":"n1"}'].join('\n') + '\n';
    for (const size of [7, 64, 4096]) {
      const chunks = [];
      for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.slice(i, i + size)));
      const r = await validateTrace(chunks, { maxLineBytes: 300 });
      expect(summary(r.errors)).toEqual([{ code: 'line-too-long', line: 3 }]);
      expect(r).toMatchObject({ events: 2, lines: 4 });
    }
  });

  test('a line nested more than 256 levels deep is too-deep; many brackets side by side or in strings are not', async () => {
    const state = (blob: string): string => `{"kind":"state","node":"n1","vars":{"blob":${blob}}}`;
    const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    // The line's own object and vars are two levels: 254 more reach 256, 255 more exceed it.
    const lines = [
      state(nested(254)),
      state(nested(255)),
      state(`[${Array.from({ length: 300 }, () => '[]').join(',')}]`),
      state(JSON.stringify('['.repeat(400))),
      state(`[${JSON.stringify('{'.repeat(300))},${nested(200)}]`),
    ];
    const r = await validateTrace([Buffer.from([HEADER_LINE, ...lines].join('\n') + '\n')]);
    // Column of the 255th `[` of the blob, which opens level 257: 43 characters come before the first.
    expect(summary(r.errors)).toEqual([{ code: 'too-deep', line: 3, column: 43 + 255 }]);
    expect(r.events).toBe(4);
  });

  test('bad options fail fast', () => {
    expect(() => readTrace('x', { maxErrors: 0 })).toThrow(/maxErrors must be a positive integer/);
    expect(() => readTrace('x', { maxLineBytes: -1 })).toThrow(/maxLineBytes/);
  });
});

describe('sources and line endings', () => {
  const text = readFileSync(fixture('paxos-3.ndjson'), 'utf8');

  test('a stream, strings, CRLF, a BOM, blank lines and a missing final newline all read the same', async () => {
    const variants: [string, Parameters<typeof validateTrace>[0]][] = [
      ['stream', createReadStream(fixture('paxos-3.ndjson'))],
      [
        'strings',
        (async function* () {
          yield text.slice(0, 100);
          await Promise.resolve();
          yield text.slice(100);
        })(),
      ],
      ['crlf', [Buffer.from(text.replace(/\n/g, '\r\n'))]],
      ['bom', [Buffer.from('\ufeff' + text)]],
      ['blank lines', [Buffer.from(text.replace(/\n/g, '\n\n  \n'))]],
      ['no final newline', [Buffer.from(text.trimEnd())]],
    ];
    for (const [name, source] of variants) {
      const r = await validateTrace(source);
      expect({ name, ok: r.ok, events: r.events, errors: r.errors }).toEqual({
        name,
        ok: true,
        events: 20,
        errors: [],
      });
    }
  });

  test('a file path reads the same as its bytes in memory, lines across many chunk boundaries', async () => {
    // More than 20 chunks of 64 KiB, lines from a few bytes to 150 KB and two-byte characters, so
    // lines and characters straddle the boundaries of the chunks the file is read in.
    const lines = [HEADER_LINE];
    for (let i = 0; lines.length < 400; i++) {
      const len = (i * 7919) % (i % 9 === 0 ? 150_000 : 900);
      lines.push(
        `{"kind":"state","node":"n${1 + (i % 3)}","vars":{"i":${i},"s":"${'é'.repeat(len >> 1)}${'a'.repeat(len & 1)}"}}`,
      );
    }
    lines.push('{"kind":"crash","node":"n9"}'); // an error at the end, after every boundary
    const bytes = Buffer.from(lines.join('\n') + '\n');
    expect(bytes.length).toBeGreaterThan(20 * 65_536);
    const path = join(tmp, 'chunks.ndjson');
    writeFileSync(path, bytes);
    const read = async (source: Parameters<typeof readTrace>[0]) => {
      const reader = readTrace(source);
      const records: unknown[] = [];
      for await (const r of reader) records.push(r);
      return { records, errors: reader.errors, lines: reader.lines };
    };
    const fromFile = await read(path);
    expect(fromFile.records).toHaveLength(399);
    expect(fromFile.errors.map((e) => e.line)).toEqual([401]);
    expect(fromFile).toEqual(await read([bytes]));
    // A named pipe (read as a stream, not synchronously) fed by another process reads the same.
    if (process.platform !== 'win32') {
      const fifo = join(tmp, 'chunks.fifo');
      execFileSync('mkfifo', [fifo]);
      const writer = spawn('sh', ['-c', `cat '${path}' > '${fifo}'`], { stdio: 'ignore' });
      const closed = new Promise((done) => writer.on('close', done));
      expect(await read(fifo)).toEqual(fromFile);
      await closed;
    }
  });

  test('eventBatches: the events of batches() and their lines, as two arrays', async () => {
    for (const fast of [false, true]) {
      const records: TraceRecord[] = [];
      for await (const b of readTrace(fixture('paxos-3.ndjson'), { fast }).batches()) records.push(...b);
      const events: unknown[] = [];
      const lines: number[] = [];
      for await (const b of readTrace(fixture('paxos-3.ndjson'), { fast }).eventBatches()) {
        expect(b.lines.length).toBe(b.events.length);
        events.push(...b.events);
        lines.push(...b.lines);
      }
      expect(records.length).toBeGreaterThan(10);
      expect(events).toEqual(records.map((r) => r.event));
      expect(lines).toEqual(records.map((r) => r.line));
    }
  });

  test('a reader is iterated once', async () => {
    const reader = readTrace(fixture('paxos-3.ndjson'));
    const it = reader[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    await expect(reader[Symbol.asyncIterator]().next()).rejects.toThrow(/only once/);
    await it.return?.(); // stopping early closes the file (else it is closed only when collected)
  });

  // Any split of the same bytes into chunks gives the same events and errors (carry-over, UTF-8 and
  // over-long lines cross chunk boundaries).
  const utf8 = readFileSync(fixture('malformed/invalid-utf8.ndjson'));
  const zoo = Buffer.concat([
    readFileSync(fixture('paxos-3.ndjson')),
    utf8.subarray(utf8.indexOf(0x0a) + 1),
    Buffer.from(
      `\n{"kind":"state","node":"n1","vars":{"s":"${'é'.repeat(160)}"}}\n{"kind":"crash","node":"n2"`,
    ),
  ]);
  const whole = validateTrace([zoo], { maxLineBytes: 250 });

  fcTest.prop([fc.uniqueArray(fc.integer({ min: 1, max: zoo.length - 1 }), { maxLength: 40 })])(
    'chunk boundaries do not matter',
    async (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), zoo.length];
      const chunks = points.slice(1).map((end, i) => zoo.subarray(points[i], end));
      const events: unknown[] = [];
      const reader = readTrace(chunks, { maxLineBytes: 250 });
      for await (const r of reader) events.push(r);
      const expected = await whole;
      expect(reader.errors).toEqual(expected.errors);
      expect(events).toHaveLength(expected.events);
    },
  );
});

describe('memory', () => {
  test('stays flat while reading a million events', { timeout: 60_000 }, async () => {
    const path = join(tmp, 'million.ndjson');
    const w = new TraceWriter(path);
    w.header({ ...HEADER, nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], clock: 'virtual' });
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    for (let i = 0; i < 1_000_000; i++) {
      w.event(
        i % 2 === 0
          ? { kind: 'decide', t: i, node: nodes[i % 5]!, slot: i, value: i }
          : { kind: 'timer', t: i, node: nodes[i % 5]!, name: 'election', action: 'fire' },
      );
    }
    await w.close();

    // Measure what stays reachable: collect garbage before each sample.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let growth = 0;
    let count = 0;
    const reader = readTrace(path);
    for await (const batch of reader.batches()) {
      count += batch.length;
      if (count % 100_000 < batch.length) {
        gc();
        growth = Math.max(growth, process.memoryUsage().heapUsed - before);
      }
    }
    expect(reader.errors).toEqual([]);
    expect(count).toBe(1_000_000);
    // The file is ~60 MB and a million parsed events would hold hundreds of MB; the reader keeps only
    // the chunk in flight (about 2 MB measured).
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  });
});
