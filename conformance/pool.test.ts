// The pool behind `conform --jobs`: results in input order, progress passed on, and any failure
// (a failed trace, a worker that exits or cannot load) stops every lane and rejects once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conform } from './conform.js';
import { runPool, type PoolOptions, type PoolTask } from './pool.js';
import type { TraceConformance } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-pool-'));
/** A worker script (plain JavaScript) with `body` run per task `task`. */
function script(name: string, body: string, onLoad = ''): URL {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `import { parentPort } from 'node:worker_threads';
${onLoad}
parentPort.on('message', async (task) => {
  const post = (m) => parentPort.postMessage(m);
  ${body}
});
`,
  );
  return pathToFileURL(file);
}

const options: PoolOptions = {
  thresholds: undefined,
  timeline: false,
  timelineMaxEvents: undefined,
  stabilizationMs: undefined,
  maxErrors: undefined,
  deterministic: true,
};
const tasks: PoolTask[] = Array.from({ length: 12 }, (_, i) => ({
  name: `t${i + 1}`,
  path: `/nowhere/t${i + 1}.ndjson`,
  index: i + 1,
  of: 12,
}));
const fake = (t: PoolTask, by: string): TraceConformance => ({ source: `${t.name} by ${by}` }) as never;
const slowly = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runPool', () => {
  it('gives the results in input order, from this thread and the workers, with progress', async () => {
    const ok = script(
      'ok',
      `post({ kind: 'progress', source: task.name, index: task.index, of: task.of, lines: 1, events: 1 });
  await new Promise((r) => setTimeout(r, 5));
  post({ kind: 'done', index: task.index - 1, result: { source: task.name + ' by worker' } });`,
    );
    const progress: string[] = [];
    const local: string[] = [];
    const results = await runPool(
      tasks,
      3,
      options,
      (p) => progress.push(p.source),
      async (t) => {
        local.push(t.name);
        await slowly(5);
        return fake(t, 'here');
      },
      ok,
    );
    expect(results.map((r) => r.source.split(' ')[0])).toEqual(tasks.map((t) => t.name));
    const byWorker = results.filter((r) => r.source.endsWith('worker')).length;
    expect(byWorker).toBeGreaterThan(0);
    expect(local.length).toBe(tasks.length - byWorker);
    expect(progress.sort()).toEqual(
      results
        .filter((r) => r.source.endsWith('worker'))
        .map((r) => r.source.split(' ')[0])
        .sort(),
    );
  });

  it.each([
    [
      'a failed trace',
      script(
        'fails',
        `post({ kind: 'failed', index: task.index - 1, message: 'boom', stack: 'Error: boom\\n    at here' });`,
      ),
      /checking t\d+: boom/,
    ],
    [
      'a worker that exits',
      script('exits', `process.exit(3);`),
      /checking t\d+: the worker thread exited \(code 3\)/,
    ],
    ['a worker that cannot load', script('throws', '', `throw new Error('cannot load');`), /cannot load/],
  ])('%s rejects once and stops every lane', async (_what, bad, message) => {
    const local: string[] = [];
    const run = runPool(
      tasks,
      2,
      options,
      undefined,
      async (t) => {
        local.push(t.name);
        await slowly(30);
        return fake(t, 'here');
      },
      bad,
    );
    await expect(run).rejects.toThrow(message);
    // This thread stops taking traces after the failure: far fewer than the 11 it could have run.
    expect(local.length).toBeLessThan(4);
  });

  it('a failure in this thread names the trace and stops the workers', async () => {
    const hang = script('hang', `await new Promise((r) => setTimeout(r, 60_000));`);
    const t0 = performance.now();
    await expect(
      runPool(tasks, 2, options, undefined, () => Promise.reject(new Error('local boom')), hang),
    ).rejects.toThrow(/checking t1: local boom/);
    expect(performance.now() - t0).toBeLessThan(30_000); // the hanging worker was ended
  });

  it('conform() takes a positive whole number of jobs or auto', async () => {
    const corpus = new URL('../traces/corpus/', import.meta.url).pathname;
    for (const jobs of [0, -1, 2.5, Number.NaN]) {
      await expect(conform(corpus, { jobs })).rejects.toThrow(/jobs must be a positive integer or 'auto'/);
    }
  });
});
