// `npm run bench` (conformance part): a synthetic Multi-Paxos trace of 1 and 10 million events
// (bench/synthetic.ts) checked by `synod conform` in a fresh process: events checked per second
// (safety checks plus metrics) and peak memory, which must stay flat as the trace grows; and four
// 250,000-event traces checked one after the other (--jobs 1) and side by side (--jobs = cores).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
  /** `synod conform ARGS --json` in a fresh process: wall seconds and the result. */
  const timed = (args: string[]): { seconds: number; out: string } => {
    const t0 = performance.now();
    let out: string;
    try {
      out = execFileSync(process.execPath, [bin, 'conform', ...args, '--json'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        stdio: ['ignore', 'pipe', 'ignore'], // progress lines stay out of the bench output
      });
    } catch (e) {
      out = (e as { stdout?: string }).stdout ?? '';
    }
    return { seconds: (performance.now() - t0) / 1000, out };
  };
  try {
    for (const size of options.sizes ?? [1_000_000, 10_000_000]) {
      const file = path.join(dir, `synthetic-${size}.ndjson`);
      const events = writeSyntheticTrace(file, { events: size });
      const samples: Array<{ seconds: number; rss: number; verdict: string }> = [];
      for (let i = 0; i < options.runs; i++) {
        const { seconds, out } = timed([file, '--jobs', '1']);
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
    // Several traces: one thread, then one per core.
    const many = path.join(dir, 'many');
    mkdirSync(many);
    let manyEvents = 0;
    for (let k = 0; k < 4; k++) {
      manyEvents += writeSyntheticTrace(path.join(many, `t${k}.ndjson`), { events: 250_000 });
    }
    const cores = availableParallelism();
    for (const jobs of [...new Set([1, cores])]) {
      const samples: Array<{ seconds: number; verdict: string; rss: number }> = [];
      for (let i = 0; i < options.runs; i++) {
        const { seconds, out } = timed([many, '--jobs', String(jobs)]);
        const r = JSON.parse(out) as { verdict: string; traces: Array<{ stats: { peakRssBytes: number } }> };
        const rss = Math.max(...r.traces.map((t) => t.stats.peakRssBytes));
        samples.push({ seconds, verdict: r.verdict, rss });
      }
      const seconds = median(samples.map((s) => s.seconds));
      const row: ConformRow = {
        workload: `conform-4x250k-jobs${jobs}`,
        events: manyEvents,
        megabytes: readdirSync(many).reduce((a, f) => a + statSync(path.join(many, f)).size, 0) / 2 ** 20,
        verdict: samples[0]?.verdict ?? '?',
        medianSeconds: seconds,
        eventsPerSecond: manyEvents / seconds,
        peakRssMiB: Math.max(...samples.map((s) => s.rss)) / 2 ** 20,
      };
      rows.push(row);
      if (!options.json) {
        console.log(
          `\nsynod conform on 4 synthetic traces of 250,000 events (${row.megabytes.toFixed(0)} MB), --jobs ${jobs} (${cores} cores), whole process, ${options.runs} runs`,
        );
        console.log(
          `  ${row.verdict}: median ${seconds.toFixed(2)} s, ${fmt(row.eventsPerSecond)} events/s; peak RSS ${row.peakRssMiB.toFixed(0)} MiB`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.json) console.log(JSON.stringify({ conform: rows }));
  return rows;
}
