// The JSON report: valid against conformance/schema/conformance-result.schema.json (with the trace
// schema for headers and window events), stable key order, a final newline, and a lossless round trip.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { bigResult, fixtures, hostileResult } from '../../test/browser/fixtures.js';
import type { ConformResult } from '../types.js';
import { renderJson } from './json.js';

const load = (rel: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addSchema(load('../../traces/schema/synod-trace.schema.json'));
const validate = ajv.compile(load('../schema/conformance-result.schema.json'));

/** The same object with every key order reversed, at every depth. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reversed(x)]),
  );
}

const cases: Array<[string, ConformResult]> = [
  ...Object.entries(fixtures()),
  ['hostile', hostileResult()],
  ['big', bigResult(2000).result],
  ['started', { ...fixtures()['conforming']!, startedAt: '2026-11-21T10:00:00.000Z' }],
];

describe('renderJson', () => {
  test.each(cases)('%s is valid against the schema and round-trips', (_name, result) => {
    const text = renderJson(result);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as unknown;
    const ok = validate(parsed);
    expect(ok ? [] : validate.errors).toEqual([]);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(result)));
  });

  test.each(cases)('%s: key order does not depend on the object', (_name, result) => {
    expect(renderJson(reversed(result) as ConformResult)).toBe(renderJson(result));
  });

  test('2-space indent, result keys first in contract order, plain arrays on one line', () => {
    const text = renderJson(fixtures()['violated']!);
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '{',
      '  "format": "synod-conformance",',
      '  "version": 1,',
      '  "tool": {',
      '    "name": "synod",',
      '    "version": "0.1.0"',
    ]);
    expect(text).toContain('\n          [0,0,"s",1,2,"prepare b1.n1"],\n');
    expect(text).toMatch(/\n {18}"kind": "send",\n {18}"t": 8,\n {18}"node": "n1",\n {18}"to": "n2"/);
  });

  test('the schema rejects what the contract forbids', () => {
    const r = JSON.parse(renderJson(fixtures()['conforming']!)) as {
      verdict: string;
      traces: Array<Record<string, unknown>>;
    };
    expect(validate({ ...r, verdict: 'fine' })).toBe(false);
    expect(validate({ ...r, extra: 1 })).toBe(false);
    const t = r.traces[0]!;
    expect(validate({ ...r, traces: [{ ...t, invariants: [{ name: 'x', status: 'holds' }] }] })).toBe(false);
    expect(validate({ ...r, traces: [{ ...t, header: { kind: 'header' } }] })).toBe(false);
  });
});
