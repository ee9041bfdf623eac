// Runs one workload in a fresh process and prints its result figures as one JSON line.
import { check } from '../model-check/index.js';
import { workloads } from './workloads.js';

const name = process.argv[2];
const w = workloads.find((x) => x.name === name);
if (w === undefined) {
  console.error(`bench worker: unknown workload ${String(name)}`);
  process.exit(150);
}
const r = check(w.build(), w.options);
console.log(JSON.stringify({ status: r.status, ...r.stats }));
