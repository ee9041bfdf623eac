// A worker thread of conformance/pool.ts: checks the traces it is sent, one at a time, and posts
// each result (and progress) back.
import { parentPort, workerData } from 'node:worker_threads';
import { conformOne } from './conform.js';
import type { PoolMessage, PoolOptions, PoolTask } from './pool.js';

const options = workerData as PoolOptions;
const port = parentPort!;
const post = (m: PoolMessage): void => port.postMessage(m);

port.on('message', (task: PoolTask) => {
  conformOne(
    task.name,
    task.path,
    options.thresholds,
    {
      ...options,
      onProgress: (p) => post({ kind: 'progress', ...p }),
    },
    task.index,
    task.of,
  ).then(
    (result) => post({ kind: 'done', index: task.index - 1, result }),
    (e: unknown) =>
      post({
        kind: 'failed',
        index: task.index - 1,
        message: e instanceof Error ? e.message : String(e),
        ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}),
      }),
  );
});
