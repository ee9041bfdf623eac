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
  | { kind: 'failed'; index: number; message: string };

const WORKER = new URL('./conformWorker.js', import.meta.url);

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
): Promise<TraceConformance[]> {
  const results = new Array<TraceConformance | undefined>(tasks.length);
  let next = 0;
  const here = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await local(tasks[i]!);
    }
  };
  const worker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const thread = new Worker(WORKER, { workerData: options });
      let current = -1;
      const feed = (): void => {
        if (next >= tasks.length) {
          void thread.terminate();
          resolve();
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
          void thread.terminate();
          reject(new Error(`checking ${tasks[m.index]!.name}: ${m.message}`));
        }
      });
      thread.on('error', (e) =>
        reject(new Error(`checking ${current >= 0 ? tasks[current]!.name : 'a trace'}: ${e.message}`)),
      );
      feed();
    });
  const lanes = Math.min(jobs, tasks.length);
  await Promise.all([here(), ...Array.from({ length: lanes - 1 }, worker)]);
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`internal: no result for ${tasks[i]!.name}`);
    return r;
  });
}
