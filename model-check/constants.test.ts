import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  checkConstantsSpec,
  parseConstantValue,
  validateConstants,
  type ConstantsSpec,
} from './constants.js';

const spec = {
  n: { type: 'integer', min: 1, max: 9, default: 3 },
  rate: { type: 'number', min: 0, max: 1 },
  mode: { type: 'string', oneOf: ['a', 'b'], default: 'a' },
  flag: { type: 'boolean', default: false },
  extra: { type: 'json', default: { k: 1 } },
} as const satisfies ConstantsSpec;

describe('parseConstantValue', () => {
  fcTest.prop([fc.integer()])('integers read back as numbers', (n) => {
    expect(parseConstantValue(String(n))).toBe(n);
  });
  fcTest.prop([fc.jsonValue()])('JSON objects and arrays read back as themselves', (v) => {
    if (typeof v !== 'object' || v === null) return;
    expect(parseConstantValue(JSON.stringify(v))).toEqual(JSON.parse(JSON.stringify(v)));
  });
  test('booleans, null, plain words', () => {
    expect(parseConstantValue('true')).toBe(true);
    expect(parseConstantValue('false')).toBe(false);
    expect(parseConstantValue('null')).toBe(null);
    expect(parseConstantValue('ignore-promises')).toBe('ignore-promises');
    expect(parseConstantValue('"3"')).toBe('3');
    expect(parseConstantValue('{broken')).toBe('{broken');
  });
});

describe('validateConstants', () => {
  test('fills defaults and keeps given values', () => {
    expect(validateConstants(spec, { rate: 0.5, n: 4 })).toEqual({
      ok: true,
      values: { n: 4, rate: 0.5, mode: 'a', flag: false, extra: { k: 1 } },
    });
  });
  test('reports every problem, naming the accepted constants', () => {
    const r = validateConstants(spec, { n: 0, mode: 'c', flag: 'yes', bogus: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'unknown constant "bogus" (accepted: n, rate, mode, flag, extra)',
      'n must be at least 1, got 0',
      'missing constant rate (number 0..1) — pass --const rate=...'.replace(' — pass', ': pass'),
      'mode must be one of a, b, got "c"',
      'flag must be true or false, got "yes"',
    ]);
  });
  fcTest.prop([fc.integer({ min: -100, max: 100 })])(
    'integers are accepted exactly within their range',
    (n) => {
      const r = validateConstants(spec, { n, rate: 0 });
      expect(r.ok).toBe(n >= 1 && n <= 9);
    },
  );
  test('a __proto__ key is an unknown constant, not a prototype change', () => {
    const given = JSON.parse('{"__proto__": {"polluted": true}, "rate": 0}') as Record<string, unknown>;
    const r = validateConstants(spec, given);
    expect(r.ok).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

test('checkConstantsSpec flags malformed declarations', () => {
  expect(checkConstantsSpec(spec)).toEqual([]);
  expect(checkConstantsSpec([])).toHaveLength(1);
  expect(checkConstantsSpec({ n: { type: 'int' } })).toEqual([
    'constant "n": type must be integer, number, string, boolean or json',
  ]);
});
