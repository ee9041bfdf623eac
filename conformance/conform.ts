// conform(): read one or many traces, stream every event through the safety checker of the trace's
// protocol, the metrics and (for the HTML report) the timeline, then hold the metrics to the
// thresholds. The result is data; the CLI and the reports only render it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readTrace } from '../traces/index.js';
import type { TraceEvent, TraceHeader, TraceSource } from '../traces/index.js';
import { createMetrics } from './metrics/index.js';
import { QuorumError, quorumsOf } from './quorum.js';
import type { Quorums } from './quorum.js';
import { createPaxosSafety } from './safety/paxos.js';
import { createPbftSafety } from './safety/pbft.js';
import { applyThresholds, parseThresholds } from './thresholds.js';
import type { Thresholds } from './thresholds.js';
import { createTimeline } from './timeline.js';
import { runPool, workersAvailable } from './pool.js';
import { VERDICT_EXIT, VERDICT_RANK } from './types.js';
import type {
  ConformResult,
  InvariantResult,
  MetricResult,
  TraceConformance,
  TraceObserver,
  Verdict,
} from './types.js';

/** Options of {@link conform}. */
export interface ConformOptions {
  /** Thresholds: parsed, or the path of a thresholds JSON file. */
  thresholds?: Thresholds | string;
  /** Collect the space-time timeline for the HTML report (default false). */
  timeline?: boolean;
  /** Events kept in the timeline (default 200,000). */
  timelineMaxEvents?: number;
  /** Delay after the last fault ends before every pending request must be decided (ms, default 1000). */
  stabilizationMs?: number;
  /** Stop reading a trace after this many malformed-input errors (default 20). */
  maxErrors?: number;
  /** Leave out what changes from run to run (start time, timings): for golden files. */
  deterministic?: boolean;
  /** Called now and then while a trace is read. */
  onProgress?: (progress: ConformProgress) => void;
  /** The synod version to record (default: read from package.json). */
  toolVersion?: string;
  /**
   * Traces checked at once: this thread and `jobs - 1` worker threads, at most one per core
   * (default 1: one after the other in this thread). `auto`: one per core when the traces add up to at least 16 MB (below
   * that, starting a worker costs more than it saves), else 1. Results come in input order
   * whatever the number; a stream input, a single trace, or running from TypeScript source (no
   * built worker script) checks in this thread.
   */
  jobs?: number | 'auto';
}

/** Progress of {@link conform}. */
export interface ConformProgress {
  source: string;
  /** 1-based index of the trace and how many there are. */
  index: number;
  of: number;
  lines: number;
  events: number;
}

/** Bad input that is not a trace's content: no trace found, an unreadable thresholds file. */
export class ConformInputError extends Error {
  constructor(
    readonly code: 'no-traces' | 'bad-thresholds' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks traces and returns the result object. `input` is a path (file, directory: every
 * `.ndjson`/`.jsonl` file under it, or a glob with `*`, `**`, `?`), a list of such paths, or a
 * stream/iterable of chunks (one trace).
 */
export async function conform(
  input: TraceSource | readonly string[],
  options: ConformOptions = {},
): Promise<ConformResult> {
  const thresholds =
    typeof options.thresholds === 'string' ? loadThresholds(options.thresholds) : options.thresholds;
  const sources: Array<{ name: string; source: TraceSource }> = [];
  if (Array.isArray(input) || typeof input === 'string') {
    const list = typeof input === 'string' ? [input] : (input as readonly string[]);
    for (const p of expandTraceInputs(list)) sources.push({ name: p, source: p });
  } else if (input instanceof URL) {
    sources.push({ name: input.pathname, source: input });
  } else {
    sources.push({ name: '<stream>', source: input as TraceSource });
  }
  const startedAt = new Date().toISOString();
  const jobs = Math.min(jobsFor(options.jobs ?? 1, sources), sources.length);
  let traces: TraceConformance[] = [];
  if (jobs > 1 && sources.every((s) => typeof s.source === 'string') && workersAvailable()) {
    traces = await runPool(
      sources.map((s, i) => ({ name: s.name, path: s.source as string, index: i + 1, of: sources.length })),
      jobs,
      {
        thresholds,
        timeline: options.timeline === true,
        timelineMaxEvents: options.timelineMaxEvents,
        stabilizationMs: options.stabilizationMs,
        maxErrors: options.maxErrors,
        deterministic: options.deterministic === true,
      },
      options.onProgress,
      (t) => conformOne(t.name, t.path, thresholds, options, t.index, t.of),
    );
  } else {
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i] as { name: string; source: TraceSource };
      traces.push(await conformOne(s.name, s.source, thresholds, options, i + 1, sources.length));
    }
  }
  const verdict = traces.reduce<Verdict>(
    (worst, t) => (VERDICT_RANK[t.verdict] > VERDICT_RANK[worst] ? t.verdict : worst),
    'conforms',
  );
  return {
    format: 'synod-conformance',
    version: 1,
    tool: { name: 'synod', version: options.toolVersion ?? packageVersion() },
    verdict,
    exitCode: VERDICT_EXIT[verdict],
    traces,
    ...(options.deterministic === true ? {} : { startedAt }),
  };
}

/** Reads a thresholds file; errors are {@link ConformInputError}s naming the file. */
export function loadThresholds(file: string): Thresholds {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConformInputError(
      'bad-thresholds',
      `cannot read the thresholds file ${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  try {
    return parseThresholds(text, file);
  } catch (e) {
    throw new ConformInputError('bad-thresholds', e instanceof Error ? e.message : String(e));
  }
}

/** Checks one trace (also the work of a pool worker). */
export async function conformOne(
  name: string,
  source: TraceSource,
  thresholds: Thresholds | undefined,
  options: Omit<ConformOptions, 'thresholds' | 'timelineMaxEvents'> & {
    timelineMaxEvents?: number | undefined;
  },
  index: number,
  of: number,
): Promise<TraceConformance> {
  const t0 = performance.now();
  let peakRss = process.memoryUsage.rss();
  const reader = readTrace(source, {
    maxErrors: options.maxErrors ?? 20,
    shareValues: true,
    fast: true,
    // No observer reads persisted variables; the timeline (HTML report) shows their names.
    omitVars: options.timeline !== true,
  });
  let header: TraceHeader | undefined;
  let safety: TraceObserver<InvariantResult[]> | undefined;
  let metrics: TraceObserver<MetricResult[]> | undefined;
  let timeline: ReturnType<typeof createTimeline> | undefined;
  let lastTime = 0;
  let events = 0;
  let nextProgress = 0;
  for await (const batch of reader.eventBatches()) {
    if (header === undefined) {
      header = reader.header;
      if (header === undefined) continue;
      ({ safety } = safetyFor(header));
      metrics = createMetrics({ header }, { stabilizationMs: options.stabilizationMs ?? 1000 });
      if (options.timeline === true) {
        timeline = createTimeline({ header }, { maxEvents: options.timelineMaxEvents ?? 200_000 });
      }
    }
    const { events: evs, lines } = batch;
    for (let i = 0; i < evs.length; i++) {
      const ev = evs[i] as TraceEvent;
      const line = lines[i] as number;
      if (ev.t !== undefined && ev.t > lastTime) lastTime = ev.t;
      safety?.event(ev, line);
      metrics?.event(ev, line);
      timeline?.event(ev, line);
    }
    events += evs.length;
    if (events >= nextProgress) {
      nextProgress = events + 250_000;
      const rss = process.memoryUsage.rss();
      if (rss > peakRss) peakRss = rss;
      options.onProgress?.({ source: name, index, of, lines: reader.lines, events });
    }
  }
  const end = { lastTime, events };
  const invariants = safety?.finish(end) ?? [];
  const metricResults = metrics?.finish(end) ?? [];
  const timelineResult = timeline?.finish(end);
  const errors = reader.errors;
  const thresholdResults = thresholds === undefined ? [] : applyThresholds(thresholds, metricResults);
  const verdict: Verdict =
    errors.length > 0 || header === undefined
      ? 'malformed'
      : invariants.some((i) => i.status === 'violated')
        ? 'violated'
        : thresholdResults.some((t) => t.status === 'missed')
          ? 'threshold-missed'
          : 'conforms';
  const seconds = (performance.now() - t0) / 1000;
  // The kernel's high-water mark catches peaks between the samples above.
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  return {
    source: name,
    verdict,
    ...(header === undefined ? {} : { header }),
    lines: reader.lines,
    events,
    errors,
    invariants,
    metrics: metricResults,
    thresholds: thresholdResults,
    ...(timelineResult === undefined ? {} : { timeline: timelineResult }),
    stats:
      options.deterministic === true
        ? { seconds: 0, eventsPerSecond: 0, peakRssBytes: 0 }
        : { seconds, eventsPerSecond: seconds > 0 ? events / seconds : 0, peakRssBytes: peakRss },
  };
}

/** Worker threads pay off only when there is enough to read (see {@link ConformOptions.jobs}). */
const AUTO_JOBS_MIN_BYTES = 16 * 1024 * 1024;

function jobsFor(jobs: number | 'auto', sources: ReadonlyArray<{ source: TraceSource }>): number {
  if (jobs !== 'auto') {
    if (!Number.isSafeInteger(jobs) || jobs < 1) {
      throw new RangeError(`conform: jobs must be a positive integer or 'auto', got ${String(jobs)}`);
    }
    // More threads than cores only add start-up time and memory: each loads the whole checker.
    return Math.min(jobs, availableParallelism());
  }
  let bytes = 0;
  for (const s of sources) {
    if (typeof s.source !== 'string') return 1;
    try {
      bytes += statSync(s.source).size;
    } catch {
      // unreadable: its own error comes when it is read
    }
  }
  return bytes >= AUTO_JOBS_MIN_BYTES ? availableParallelism() : 1;
}

/** The safety checker for a trace's protocol: PBFT's for `pbft`, the Paxos family's for the rest. */
function safetyFor(header: TraceHeader): { safety: TraceObserver<InvariantResult[]> } {
  if (header.protocol === 'pbft') return { safety: createPbftSafety(header) };
  let quorums: Quorums | undefined;
  let quorumProblem: string | undefined;
  try {
    quorums = quorumsOf(header.quorum, header.nodes);
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
    quorumProblem = e.message;
  }
  return {
    safety: createPaxosSafety(header, { quorums, ...(quorumProblem === undefined ? {} : { quorumProblem }) }),
  };
}

/**
 * Expands trace inputs: a file stays itself, a directory gives every `.ndjson`/`.jsonl` file under
 * it (sorted), a pattern with `*`, `**` or `?` gives the files it matches (sorted). Throws
 * {@link ConformInputError} when something matches nothing.
 */
export function expandTraceInputs(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const add = (files: string[]): void => {
    for (const f of files) if (!out.includes(f)) out.push(f);
  };
  for (const input of inputs) {
    if (/[*?]/.test(input)) {
      const found = globFiles(input);
      if (found.length === 0) throw new ConformInputError('no-traces', `no file matches ${input}`);
      add(found);
      continue;
    }
    let st;
    try {
      st = statSync(input);
    } catch {
      throw new ConformInputError('not-found', `no such file or directory: ${input}`);
    }
    if (st.isDirectory()) {
      const found = walk(input).filter((f) => /\.(ndjson|jsonl)$/.test(f));
      if (found.length === 0) {
        throw new ConformInputError('no-traces', `no .ndjson or .jsonl trace under ${input}`);
      }
      add(found);
    } else {
      add([input]);
    }
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, entry.name);
    // Follow symbolic links (a linked trace or folder counts as itself).
    let kind: 'dir' | 'file' | 'other' = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
    if (entry.isSymbolicLink()) {
      try {
        const st = statSync(p);
        kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      } catch {
        kind = 'other'; // a dangling link
      }
    }
    if (kind === 'dir') out.push(...walk(p));
    else if (kind === 'file') out.push(p);
  }
  return out;
}

function globFiles(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const firstWild = parts.findIndex((p) => /[*?]/.test(p));
  const base = parts.slice(0, firstWild).join('/') || '.';
  const re = new RegExp(
    `^${parts
      .slice(firstWild)
      .map((p) =>
        p === '**'
          ? '(?:[^/]+/)*'
          : `${p
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]')}/`,
      )
      .join('')
      .replace(/\/$/, '')
      .replace(/\(\?:\[\^\/\]\+\/\)\*$/, '.+')}$`,
  );
  let files: string[];
  try {
    files = walk(base);
  } catch {
    return [];
  }
  const strip = base === '.' ? 0 : path.join(base).length + 1;
  return files.filter((f) => re.test(f.slice(strip).replace(/\\/g, '/')));
}

let cachedVersion: string | undefined;
function packageVersion(): string {
  if (cachedVersion === undefined) {
    cachedVersion = '0.0.0';
    // Next to dist/ when built, one level up when run from source.
    for (const rel of ['../../package.json', '../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === 'synod' && typeof pkg.version === 'string') {
          cachedVersion = pkg.version;
          break;
        }
      } catch {
        // not this one
      }
    }
  }
  return cachedVersion;
}
