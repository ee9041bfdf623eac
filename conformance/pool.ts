// Several traces at once: each trace is checked whole, either in this thread or by one of `jobs - 1`
// worker threads (conformWorker.ts), all taking the next trace from one queue; the results come
// back in input order, so a report is the same whatever the number of jobs. One trace is never
// split: its events must be read in order.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Thresholds } from './thresholds.js';
import type { TraceConformance } from './types.js';

/** What a worker needs to check one trace (plain data: it crosses a thread boundary). */
export interface PoolTask {
  name: string;
  path: string;
  index: number;
  of: number;
}

/** The options every task shares (plain data). */
export interface PoolOptions {
  thresholds: Thresholds | undefined;
  timeline: boolean;
  timelineMaxEvents: number | undefined;
  stabilizationMs: number | undefined;
  maxErrors: number | undefined;
  deterministic: boolean;
}

/** A message from a worker. */
export type PoolMessage =
  | { kind: 'progress'; source: string; index: number; of: number; lines: number; events: number }
  | { kind: 'done'; index: number; result: TraceConformance }
  | { kind: 'failed'; index: number; message: string; stack?: string };

const WORKER = new URL('./conformWorker.js', import.meta.url);

/**
 * Young generation of a worker thread, in MB: each thread has a heap of its own, and V8's default
 * (up to 48 MB of young objects) made two threads together pass 200 MB of RSS on four 250,000-event
 * traces (192-197 MiB). At 16 MB: 176-186 MiB, same speed; at 8 MB slower.
 */
const WORKER_YOUNG_MB = 16;

/**
 * True when the worker script exists next to this module: always in the built package; not when
 * this module runs from TypeScript source (then traces are checked in this thread).
 */
export function workersAvailable(): boolean {
  return WORKER.protocol === 'file:' && existsSync(fileURLToPath(WORKER));
}

/** Checks `tasks` in this thread (with `local`) and on `jobs - 1` worker threads; results in task order. */
export async function runPool(
  tasks: readonly PoolTask[],
  jobs: number,
  options: PoolOptions,
  onProgress: ((p: Omit<Extract<PoolMessage, { kind: 'progress' }>, 'kind'>) => void) | undefined,
  local: (task: PoolTask) => Promise<TraceConformance>,
  /** The worker script (tests pass their own). */
  script: URL = WORKER,
): Promise<TraceConformance[]> {
  const results = new Array<TraceConformance | undefined>(tasks.length);
  let next = 0;
  // The first failure stops every lane: no lane takes another trace, and every thread is ended.
  let failure: Error | undefined;
  const threads = new Set<Worker>();
  const fail = (e: Error): void => {
    if (failure !== undefined) return;
    failure = e;
    for (const t of threads) void t.terminate();
  };
  const here = async (): Promise<void> => {
    while (failure === undefined && next < tasks.length) {
      const i = next++;
      try {
        results[i] = await local(tasks[i]!);
      } catch (e) {
        const err = new Error(`checking ${tasks[i]!.name}: ${e instanceof Error ? e.message : String(e)}`);
        if (e instanceof Error && e.stack !== undefined) err.stack = `${err.message}\n${e.stack}`;
        fail(err);
      }
    }
  };
  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      const thread = new Worker(script, {
        workerData: options,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      threads.add(thread);
      let current = -1;
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        threads.delete(thread);
        void thread.terminate();
        resolve();
      };
      const broke = (why: string, stack?: string): void => {
        const err = new Error(`checking ${current >= 0 ? tasks[current]!.name : 'a trace'}: ${why}`);
        if (stack !== undefined) err.stack = `${err.message}\n${stack}`;
        fail(err);
        done();
      };
      const feed = (): void => {
        if (failure !== undefined || next >= tasks.length) {
          done();
          return;
        }
        current = next++;
        thread.postMessage(tasks[current]);
      };
      thread.on('message', (m: PoolMessage) => {
        if (m.kind === 'progress') {
          onProgress?.({ source: m.source, index: m.index, of: m.of, lines: m.lines, events: m.events });
        } else if (m.kind === 'done') {
          results[m.index] = m.result;
          feed();
        } else {
          broke(m.message, m.stack);
        }
      });
      thread.on('error', (e) => broke(e.message, e.stack));
      thread.on('messageerror', (e) => broke(`a message from the worker could not be read: ${e.message}`));
      // A thread that ends on its own before its lane is done (it should not) is a failure too.
      thread.on('exit', (code) => {
        if (!settled) broke(`the worker thread exited (code ${code}) before finishing`);
      });
      feed();
    });
  const lanes = Math.min(jobs, tasks.length);
  await Promise.all([here(), ...Array.from({ length: lanes - 1 }, lane)]);
  if (failure !== undefined) throw failure;
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`internal: no result for ${tasks[i]!.name}`);
    return r;
  });
}
