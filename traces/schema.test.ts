// The schema is the contract: the committed JSON file and types.ts are exactly what the generator
// makes of schema.ts (so types and schema cannot drift), ajv accepts it in strict mode, and the JSON
// file alone (what other implementations use) accepts the valid fixture and rejects the malformed
// lines the reader flags as schema errors.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { renderSchemaJson, renderTypes, SCHEMA_JSON_URL, TYPES_URL } from './scripts/codegen.js';
import { EVENT_KINDS, SCHEMA_ID, traceSchema, TYPED_PROTOCOLS, type FAULTS } from './schema.js';
import type { FaultEvent, Message, TraceEvent, TraceHeader, TraceLine } from './types.js';
import { stringifyTraceLine } from './TraceWriter.js';
import { validateTrace } from './read.js';

const fixture = (name: string): URL => new URL(`./__fixtures__/${name}`, import.meta.url);
const SCHEMA_CODES = new Set(['invalid-event', 'invalid-header', 'number-out-of-range', 'unknown-kind']);

/** Validators built from the committed JSON file only, as another implementation would. */
function fromJsonFile(): { valid: (line: unknown) => boolean; paxosMessage: (msg: unknown) => boolean } {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  ajv.addSchema(JSON.parse(readFileSync(SCHEMA_JSON_URL, 'utf8')) as object);
  const root = ajv.getSchema(SCHEMA_ID)!;
  const message = ajv.getSchema(`${SCHEMA_ID}#/$defs/message.paxos`)!;
  return { valid: (line) => root(line) === true, paxosMessage: (msg) => message(msg) === true };
}

describe('generated files are current (run `npx tsx traces/scripts/generate.ts` after editing schema.ts)', () => {
  test('schema/synod-trace.schema.json equals schema.ts', async () => {
    expect(readFileSync(SCHEMA_JSON_URL, 'utf8')).toBe(await renderSchemaJson());
  });

  test('types.ts equals the types generated from schema.ts', async () => {
    expect(readFileSync(TYPES_URL, 'utf8')).toBe(await renderTypes());
  });
});

describe('the schema', () => {
  test('is a valid draft 2020-12 schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(traceSchema)).toBe(true);
    expect(() => ajv.compile(traceSchema)).not.toThrow();
  });

  test('has one definition per event kind, each discriminated by its kind', () => {
    const defs = traceSchema.$defs!;
    const eventDefs = Object.keys(defs).filter((k) => k.startsWith('event.') && k !== 'event.extension');
    expect(eventDefs).toEqual(EVENT_KINDS.map((k) => `event.${k}`));
    for (const k of EVENT_KINDS) {
      const def = defs[`event.${k}`]!;
      expect(def.properties!.kind).toEqual({ const: k });
      expect(def.additionalProperties).toBe(false);
      expect(def.properties!.x).toEqual({ $ref: '#/$defs/extras' });
    }
    for (const p of TYPED_PROTOCOLS) expect(defs[`message.${p}`]).toBeDefined();
  });

  test('the TypeScript constants and types name the same kinds', () => {
    type Known<T extends string> = Exclude<T, `x-${string}`>;
    expectTypeOf<Known<TraceEvent['kind']>>().toEqualTypeOf<(typeof EVENT_KINDS)[number]>();
    expectTypeOf<Known<FaultEvent['fault']>>().toEqualTypeOf<(typeof FAULTS)[number]>();
    expectTypeOf<TraceLine>().toEqualTypeOf<TraceHeader | TraceEvent>();
    expectTypeOf<Extract<TraceEvent, { kind: 'send' }>['msg']>().toEqualTypeOf<Message>();
  });

  test('the writer emits fields in the schema order, whatever the object order', () => {
    const header = traceSchema.$defs!.header!;
    const shuffled = Object.fromEntries(
      Object.entries({
        kind: 'header',
        format: 'synod-trace',
        version: 1,
        protocol: 'paxos',
        nodes: ['n1'],
        quorum: { kind: 'majority' },
        params: {},
        seed: 1,
        clock: 'none',
        producer: { name: 'p' },
        x: {},
      }).reverse(),
    ) as unknown as TraceHeader;
    const keys = Object.keys(JSON.parse(stringifyTraceLine(shuffled)) as object);
    expect(keys).toEqual(Object.keys(header.properties!));
  });
});

describe('the JSON file alone (for other languages)', () => {
  const { valid, paxosMessage } = fromJsonFile();

  test('accepts every line of the valid example, and its messages match message.paxos', () => {
    const lines = readFileSync(fixture('paxos-3.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(15);
    for (const text of lines) {
      const line = JSON.parse(text) as TraceLine;
      expect(valid(line), text).toBe(true);
      if (line.kind === 'send' || line.kind === 'recv') expect(paxosMessage(line.msg), text).toBe(true);
    }
  });

  const malformed = readdirSync(fixture('malformed')).sort();
  test.each(malformed)('%s: rejects exactly the lines the reader flags as schema errors', async (name) => {
    const result = await validateTrace(fixture(`malformed/${name}`));
    const flagged = new Set(
      result.errors
        .filter((e) => SCHEMA_CODES.has(e.code) || e.code === 'unsupported-format')
        .map((e) => e.line),
    );
    // Read as latin1 so that every line decodes; lines that are not JSON are the reader's business.
    const lines = readFileSync(fixture(`malformed/${name}`), 'latin1').split('\n');
    const parsed = lines.map((text): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    });
    // Message bodies are typed by the header's protocol (all these fixtures declare paxos on line 1).
    const typed = (parsed[0] as { kind?: string } | undefined)?.kind === 'header';
    const stop = result.stoppedEarly ? result.lines : lines.length;
    const rejected = new Set<number>();
    parsed.slice(0, stop).forEach((value, i) => {
      if (value === undefined) return;
      const { kind, msg } = (typeof value === 'object' && value !== null ? value : {}) as {
        kind?: unknown;
        msg?: unknown;
      };
      if (!valid(value) || (typed && (kind === 'send' || kind === 'recv') && !paxosMessage(msg)))
        rejected.add(i + 1);
    });
    expect([...rejected].sort()).toEqual([...flagged].sort());
  });
});

test('the README example is the valid fixture', () => {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const block = /<!-- example -->\s*```ndjson\n([\s\S]*?)```/.exec(readme);
  expect(block, 'README.md has a ```ndjson block after <!-- example -->').not.toBeNull();
  expect(block![1]).toBe(readFileSync(fixture('paxos-3.ndjson'), 'utf8'));
});
