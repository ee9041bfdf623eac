// The PBFT fixture traces of __fixtures__/pbft/ (hand-built and signed by
// __test-helpers__/pbftScenarios.ts; byte-identical on every build, so the files and the builders
// never drift: UPDATE_GOLDEN=1 rewrites them). Each gets the verdict below from `conform()`, the
// programmatic twin of `synod conform`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conform } from '../conform.js';
import { renderTerminal } from '../reports/terminal.js';
import { parseThresholds } from '../thresholds.js';
import type { PbftTrace } from './__test-helpers__/pbftTrace.js';
import { fPlusOneRun, normalRun, viewChangeRun } from './__test-helpers__/pbftScenarios.js';

const dir = fileURLToPath(new URL('./__fixtures__/pbft/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

interface Expected {
  build: () => PbftTrace;
  exit: number;
  violated: string[];
  /** Lines of the first violation's window. */
  window?: number[];
  why: string;
}

const fPlusOne = fPlusOneRun();
const dropped = viewChangeRun(true);

const expected: Record<string, Expected> = {
  normal: {
    build: () => normalRun().trace,
    exit: 0,
    violated: [],
    why: 'two requests in view 0 and a stable checkpoint: conforms',
  },
  'view-change': {
    build: () => viewChangeRun().trace,
    exit: 0,
    violated: [],
    why: 'the primary crashes after prepare; view 1 re-proposes and executes the prepared request',
  },
  'f-plus-1-agreement': {
    build: () => fPlusOne.trace,
    exit: 10,
    violated: ['agreement'],
    window: fPlusOne.decideLines,
    why: 'f + 1 faulty replicas (an equivocating primary and a colluder): honest r3 and r4 execute different requests',
  },
  'new-view-drops-prepared': {
    build: () => dropped.trace,
    exit: 10,
    violated: ['new-view'],
    window: [dropped.viewChangeLine, dropped.newViewLine],
    why: 'the new primary pre-prepares the null request where a view-change proves a request prepared',
  },
};

describe('PBFT fixture traces', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.why}`, async () => {
      const file = `${dir}${name}.ndjson`;
      const text = want.build().ndjson();
      if (update || !existsSync(file)) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, text);
        if (!update) throw new Error(`${file} was missing and has been written: review it and run again`);
      }
      expect(readFileSync(file, 'utf8')).toBe(text);
      const r = await conform(file, { deterministic: true, toolVersion: '0.0.0' });
      const t = r.traces[0]!;
      expect(t.errors).toEqual([]);
      expect(r.exitCode).toBe(want.exit);
      expect(t.invariants.filter((i) => i.status === 'violated').map((i) => i.name)).toEqual(want.violated);
      if (want.window !== undefined) {
        const v = t.invariants.find((i) => i.name === want.violated[0])!.violation!;
        expect(v.window.map((w) => w.line)).toEqual(want.window);
        const report = renderTerminal(r, { color: false, width: 100 });
        for (const line of want.window) expect(report).toMatch(new RegExp(`line ${line}\\b`));
      }
    });
  }

  it('the f + 1 run: fidelity shows the adversarial messages behind the broken execution', async () => {
    const r = await conform(`${dir}f-plus-1-agreement.ndjson`, { deterministic: true });
    const fidelity = r.traces[0]!.metrics.find((m) => m.name === 'fidelity')!;
    expect(fidelity.value).toBe(0);
  });

  it('the view change: 12 ms from the crash of the primary to the first execution in view 1', async () => {
    const file = `${dir}view-change.ndjson`;
    const strict = await conform(file, { thresholds: parseThresholds('{"viewchange.p99": "<= 10ms"}') });
    expect(strict.traces[0]!.metrics.find((m) => m.name === 'viewchange')!.stats?.max).toBe(12);
    expect(strict.traces[0]!.thresholds).toMatchObject([
      { key: 'viewchange.p99', actual: 12, status: 'missed' },
    ]);
    expect(strict.exitCode).toBe(13);
    const loose = await conform(file, { thresholds: parseThresholds('{"viewchange.p99": "<= 12ms"}') });
    expect(loose.exitCode).toBe(0);
  });
});
