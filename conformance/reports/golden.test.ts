// Golden files of every renderer (but HTML, whose page script would churn them) on the fixtures of
// test/browser/fixtures.ts and on two traces of the corpus (one conforming with faults, one broken). After an intended change: UPDATE_GOLDEN=1 npx vitest run conformance/reports
// and review the diff of conformance/reports/__fixtures__/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { fixtures, hostileResult } from '../../test/browser/fixtures.js';
import { conform } from '../conform.js';
import type { ConformResult } from '../types.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderTerminal } from './terminal.js';

const dir = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

const renderers: Array<[string, (r: ConformResult) => string]> = [
  ['txt', (r) => renderTerminal(r, { color: false, width: 100 })],
  ['json', renderJson],
  ['xml', renderJunit],
  ['md', renderMarkdown],
];

/** Compares with the golden file; writes it under UPDATE_GOLDEN=1 (or when missing, then fails). */
function matchGolden(file: string, actual: string): void {
  if (update || !existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    if (!update) throw new Error(`${file} was missing and has been written: review it and run again`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const results: Array<[string, ConformResult]> = [...Object.entries(fixtures()), ['hostile', hostileResult()]];

describe('golden files', () => {
  for (const [name, result] of results) {
    test.each(renderers)(`${name}.%s`, (ext, render) => {
      matchGolden(`${dir}${name}.${ext}`, render(result));
    });
  }
});

// Real results: `conform()` on corpus traces, deterministic (no timings, no start time).
const corpus = ['multipaxos-5-faults', 'paxos-3-forget-promise'];

describe('golden files of corpus traces', () => {
  for (const name of corpus) {
    test.each(renderers.filter(([ext]) => ext !== 'txt'))(`corpus-${name}.%s`, async (ext, render) => {
      const result = await conform(`traces/corpus/${name}.ndjson`, {
        deterministic: true,
        toolVersion: '0.0.0',
      });
      matchGolden(`${dir}corpus-${name}.${ext}`, render(result));
    });
  }
});
