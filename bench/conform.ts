// `npm run bench` (conformance part): a synthetic Multi-Paxos trace of 1 and 10 million events
// (bench/synthetic.ts) checked by `synod conform` in a fresh process: events checked per second
// (safety checks plus metrics) and peak memory, which must stay flat as the trace grows.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticTrace } from './synthetic.js';

/** One conformance bench row. */
export interface ConformRow {
  workload: string;
  events: number;
  megabytes: number;
  verdict: string;
  medianSeconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs the benchmark and prints (or returns, with json) its rows. */
export function runConformBench(options: { runs: number; json: boolean; sizes?: number[] }): ConformRow[] {
  const bin = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
  const dir = mkdtempSync(path.join(tmpdir(), 'synod-conform-bench-'));
  const rows: ConformRow[] = [];
  try {
    for (const size of options.sizes ?? [1_000_000, 10_000_000]) {
      const file = path.join(dir, `synthetic-${size}.ndjson`);
      const events = writeSyntheticTrace(file, { events: size });
      const samples: Array<{ seconds: number; rss: number; verdict: string }> = [];
      for (let i = 0; i < options.runs; i++) {
        const t0 = performance.now();
        let out: string;
        try {
          out = execFileSync(process.execPath, [bin, 'conform', file, '--json'], {
            encoding: 'utf8',
            maxBuffer: 1 << 28,
            stdio: ['ignore', 'pipe', 'ignore'], // progress lines stay out of the bench output
          });
        } catch (e) {
          out = (e as { stdout?: string }).stdout ?? '';
        }
        const seconds = (performance.now() - t0) / 1000;
        const r = JSON.parse(out) as { verdict: string; traces: Array<{ stats: { peakRssBytes: number } }> };
        samples.push({ seconds, rss: r.traces[0]?.stats.peakRssBytes ?? 0, verdict: r.verdict });
      }
      const row: ConformRow = {
        workload: `conform-multipaxos-${size / 1_000_000}M`,
        events,
        megabytes: statSync(file).size / 2 ** 20,
        verdict: samples[0]?.verdict ?? '?',
        medianSeconds: median(samples.map((s) => s.seconds)),
        eventsPerSecond: events / median(samples.map((s) => s.seconds)),
        peakRssMiB: Math.max(...samples.map((s) => s.rss)) / 2 ** 20,
      };
      rows.push(row);
      rmSync(file);
      if (!options.json) {
        console.log(
          `\nsynod conform on a synthetic Multi-Paxos trace, ${fmt(events)} events (${row.megabytes.toFixed(0)} MB), whole process, ${options.runs} runs`,
        );
        console.log(
          `  ${row.verdict}: median ${row.medianSeconds.toFixed(2)} s, ${fmt(row.eventsPerSecond)} events/s; peak RSS ${row.peakRssMiB.toFixed(0)} MiB`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.json) console.log(JSON.stringify({ conform: rows }));
  return rows;
}
