// `npm run bench` (conformance part): a synthetic Multi-Paxos trace of 1 and 10 million events
// (bench/synthetic.ts) checked by `synod conform` in a fresh process: events checked per second
// (safety checks plus metrics) and peak memory, which must stay flat as the trace grows; a trace
// the simulator writes (long batches in its lines); and four 250,000-event traces checked one after
// the other (--jobs 1) and side by side (--jobs = cores).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSimulatorTrace } from './sim.js';
import { writeSyntheticTrace } from './synthetic.js';
import { fmt, median } from './stats.js';

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

/** Runs the benchmark and prints (or returns, with json) its rows. */
export async function runConformBench(options: {
  runs: number;
  json: boolean;
  sizes?: number[];
}): Promise<ConformRow[]> {
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
  /** `runs` checks of `target` with `--jobs`; the row (median time, highest peak RSS) is printed unless json. */
  const measure = (
    workload: string,
    title: string,
    target: string,
    events: number,
    megabytes: number,
    jobs: number,
  ): void => {
    const samples: Array<{ seconds: number; rss: number; verdict: string }> = [];
    for (let i = 0; i < options.runs; i++) {
      const { seconds, out } = timed([target, '--jobs', String(jobs)]);
      const r = JSON.parse(out) as { verdict: string; traces: Array<{ stats: { peakRssBytes: number } }> };
      samples.push({
        seconds,
        rss: Math.max(...r.traces.map((t) => t.stats.peakRssBytes)),
        verdict: r.verdict,
      });
    }
    const seconds = median(samples.map((s) => s.seconds));
    const row: ConformRow = {
      workload,
      events,
      megabytes,
      verdict: samples[0]?.verdict ?? '?',
      medianSeconds: seconds,
      eventsPerSecond: events / seconds,
      peakRssMiB: Math.max(...samples.map((s) => s.rss)) / 2 ** 20,
    };
    rows.push(row);
    if (!options.json) {
      console.log(
        `\nsynod conform on ${title} (${megabytes.toFixed(0)} MB), whole process, ${options.runs} runs`,
      );
      console.log(
        `  ${row.verdict}: median ${seconds.toFixed(2)} s, ${fmt(row.eventsPerSecond)} events/s; peak RSS ${row.peakRssMiB.toFixed(0)} MiB`,
      );
    }
  };
  const mib = (file: string): number => statSync(file).size / 2 ** 20;
  try {
    for (const size of options.sizes ?? [1_000_000, 10_000_000]) {
      const file = path.join(dir, `synthetic-${size}.ndjson`);
      const events = writeSyntheticTrace(file, { events: size });
      const title = `a synthetic Multi-Paxos trace, ${fmt(events)} events`;
      measure(`conform-multipaxos-${size / 1_000_000}M`, title, file, events, mib(file), 1);
      rmSync(file);
    }
    // A trace as the simulator writes it (the bench's Multi-Paxos run: batches of up to 16
    // commands, ~1 KB each, in accepts, votes, decisions and decide messages; ~430 bytes a line).
    const sim = path.join(dir, 'simulator.ndjson');
    const simEvents = await writeSimulatorTrace(sim);
    const simTitle = `a simulator trace (Multi-Paxos, 5 nodes, 20 s virtual, 5,000 ops/s), ${fmt(simEvents)} events`;
    measure('conform-multipaxos-simulator', simTitle, sim, simEvents, mib(sim), 1);
    rmSync(sim);
    // Several traces: one thread, then one per core.
    const many = path.join(dir, 'many');
    mkdirSync(many);
    let manyEvents = 0;
    for (let k = 0; k < 4; k++) {
      manyEvents += writeSyntheticTrace(path.join(many, `t${k}.ndjson`), { events: 250_000 });
    }
    const manyMiB = readdirSync(many).reduce((a, f) => a + mib(path.join(many, f)), 0);
    const cores = availableParallelism();
    for (const jobs of [...new Set([1, cores])]) {
      const title = `4 synthetic traces of 250,000 events, --jobs ${jobs} (${cores} cores)`;
      measure(`conform-4x250k-jobs${jobs}`, title, many, manyEvents, manyMiB, jobs);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.json) console.log(JSON.stringify({ conform: rows }));
  return rows;
}
