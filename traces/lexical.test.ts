// The error-path scanners agree with the fast paths they explain: locateJsonError finds an error
// exactly when JSON.parse fails, and findInvalidUtf8 exactly when a fatal TextDecoder fails.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { columnAt, findInvalidUtf8, locateJsonError } from './lexical.js';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

// JSON-ish text: real JSON, then mutated by deleting, inserting or replacing a character.
const jsonish = fc
  .tuple(
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.nat(),
    fc.constantFrom(
      '',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'e',
      '-',
      '.',
      '0',
      ' ',
      'tru',
      '\n',
      '\u0001',
    ),
    fc.constantFrom('insert', 'replace', 'delete', 'keep'),
  )
  .map(([text, at, piece, op]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (op === 'insert') return text.slice(0, i) + piece + text.slice(i);
    if (op === 'replace') return text.slice(0, i) + piece + text.slice(i + 1);
    if (op === 'delete') return text.slice(0, i) + text.slice(i + 1);
    return text;
  });

describe('locateJsonError', () => {
  fcTest.prop([jsonish], { numRuns: 2000 })('finds an error exactly when JSON.parse fails', (text) => {
    const err = locateJsonError(text);
    expect(err === undefined).toBe(parses(text));
    if (err !== undefined) expect(err.offset).toBeLessThanOrEqual(text.length);
  });

  test('says where and what', () => {
    expect(locateJsonError('{"a":1,}')).toEqual({
      offset: 7,
      expected: 'a double-quoted property name',
      atEnd: false,
    });
    expect(locateJsonError('{"a":1')).toMatchObject({ offset: 6, atEnd: true });
    expect(locateJsonError('[1 2]')?.expected).toBe("',' or ']' after an array element");
    expect(locateJsonError('{"a":01}')?.expected).toBe("',' or '}' after a property value");
    expect(locateJsonError('"\\x"')?.expected).toMatch(/valid escape/);
    expect(locateJsonError('{} {}')?.expected).toBe('the end of the line after one JSON value');
  });

  test('deep nesting does not overflow the stack', () => {
    expect(locateJsonError('['.repeat(200_000))).toMatchObject({ atEnd: true });
  });
});

describe('findInvalidUtf8', () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const valid = (bytes: Uint8Array): boolean => {
    try {
      decoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  fcTest.prop([fc.uint8Array({ maxLength: 12 })], { numRuns: 5000 })(
    'agrees with a fatal TextDecoder',
    (bytes) => {
      expect(findInvalidUtf8(bytes) === undefined).toBe(valid(bytes));
    },
  );

  fcTest.prop([
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.uint8Array({ minLength: 1, maxLength: 4 }),
  ])('points at the first invalid byte after a valid prefix', (prefix, tail) => {
    const head = new TextEncoder().encode(prefix);
    const bytes = new Uint8Array([...head, ...tail]);
    const bad = findInvalidUtf8(bytes);
    if (bad !== undefined) expect(bad.offset).toBeGreaterThanOrEqual(head.length);
  });

  test('columns count code points', () => {
    expect(columnAt('a😀b', 3)).toBe(3);
    expect(columnAt('abc', 0)).toBe(1);
  });
});
