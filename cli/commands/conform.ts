// `synod conform <trace|dir|glob>...`: check recorded traces from any implementation for safety,
// measure liveness, convergence and recovery, hold the metrics to thresholds, and write reports for
// people (terminal, HTML) and for CI (JSON, JUnit XML, Markdown). Exit 0 / 10 / 13 / 150.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConformInputError, conform } from '../../conformance/index.js';
import type { ConformProgress, ConformResult } from '../../conformance/index.js';
import {
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderTerminal,
} from '../../conformance/reports/index.js';
import { intArg, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { version } from '../main.js';

const NAME = 'conform';

/** Report formats and the file each writes under --out. */
const FORMATS = {
  terminal: undefined,
  json: 'conformance.json',
  junit: 'junit.xml',
  markdown: 'conformance.md',
  html: 'conformance.html',
} as const;
type Format = keyof typeof FORMATS;

function help(): string {
  return `Usage: synod conform <trace.ndjson | directory | glob>... [options]

Check traces recorded from any implementation (the synod-trace format: traces/README.md) for
safety, measure liveness, convergence and fault recovery, and write reports. A directory means
every .ndjson/.jsonl file under it; a glob ("runs/**/*.ndjson", quoted) every file it matches.
Several traces give one report with a row per trace.

Safety (Paxos and Multi-Paxos, per slot): agreement, validity, integrity, log-prefix, acceptor
rules (never vote below a promise, never promise backwards, across restarts), the proposer rule
(phase 2 carries the phase-1 quorum's highest vote), the quorum rule (each decision backed by a
phase-2 quorum of votes), and client ops answered ok taking effect exactly once.

Metrics (p50/p95/p99/max): decision latency at a quorum and at all live nodes, liveness after
the last fault heals, convergence after partitions, recovery after restarts, leader failover,
coherence (log lag between nodes), fidelity under adversarial input.

Options:
  --report LIST        formats, comma-separated: terminal, json, junit, markdown, html, or all
                       (default: terminal)
  --out DIR            where file reports go (default: synod-report): conformance.json,
                       junit.xml, conformance.md, conformance.html
  --thresholds FILE    metric thresholds, e.g. { "recovery.p99": "<= 5s" }
                       (docs/metrics-and-thresholds.md)
  --stabilization D    delay after the last fault ends before pending requests must be decided
                       (default 1000 ms; e.g. 2s, 500ms)
  --max-errors N       stop reading a malformed trace after N errors (default 20)
  --jobs N|auto        traces checked at once, one thread each, at most one per core (default
                       auto: one per core when the traces add up to 16 MB or more, else 1); the
                       report is the same for any N
  --json               print the result object as JSON on stdout instead of the terminal report
                       (JSON reports leave out the HTML report's diagram data: the same JSON
                       whatever other formats are asked for)
  --deterministic      leave timings and the start time out of the reports (for golden files)

Exit codes: 0 conforms, 10 a safety invariant is violated, 13 a metric missed its threshold,
            150 a trace is malformed or the arguments are wrong.

Examples:
  synod conform run.ndjson
  synod conform run.ndjson --report terminal,json,junit,markdown,html --out reports/
  synod conform "runs/*.ndjson" --thresholds synod.thresholds.json --report junit --out reports/
`;
}

function parseFormats(raw: string): Format[] {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.includes('all')) return Object.keys(FORMATS) as Format[];
  for (const p of parts) {
    if (!(p in FORMATS)) {
      throw new UsageError(
        'E_ARG_VALUE',
        `--report: unknown format ${JSON.stringify(p)} (formats: ${Object.keys(FORMATS).join(', ')}, all)`,
        NAME,
      );
    }
  }
  if (parts.length === 0) throw new UsageError('E_ARG_VALUE', '--report needs at least one format', NAME);
  return [...new Set(parts)] as Format[];
}

function parseDelay(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(raw);
  if (m === null) {
    throw new UsageError(
      'E_ARG_VALUE',
      `--stabilization must be a duration like 1s or 500ms, got ${JSON.stringify(raw)}`,
      NAME,
    );
  }
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'min' ? n * 60_000 : n;
}

function progressLine(p: ConformProgress, events: number, rate: number): string {
  const of = p.of > 1 ? ` [${p.index}/${p.of}]` : '';
  return `conform${of} ${p.source}: ${events.toLocaleString('en-US')} events (${Math.round(rate).toLocaleString('en-US')}/s)`;
}

function parseJobs(raw: string | undefined): number | 'auto' {
  if (raw === undefined || raw === 'auto') return 'auto';
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new UsageError(
      'E_ARG_VALUE',
      `--jobs must be a whole number or auto, got ${JSON.stringify(raw)}`,
      NAME,
    );
  }
  return intArg(NAME, '--jobs', raw, 1, 256);
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    report: { type: 'string' },
    out: { type: 'string' },
    thresholds: { type: 'string' },
    stabilization: { type: 'string' },
    'max-errors': { type: 'string' },
    jobs: { type: 'string' },
    json: { type: 'boolean' },
    deterministic: { type: 'boolean' },
  });
  if (positionals.length === 0) {
    throw new UsageError('E_ARG_MISSING', 'which trace? (e.g. synod conform run.ndjson)', NAME);
  }
  const formats = parseFormats((values['report'] as string | undefined) ?? 'terminal');
  const outDir = (values['out'] as string | undefined) ?? 'synod-report';
  const maxErrors =
    values['max-errors'] === undefined
      ? 20
      : intArg(NAME, '--max-errors', values['max-errors'] as string, 1, 10_000);
  const stabilizationMs =
    values['stabilization'] === undefined ? 1000 : parseDelay(values['stabilization'] as string);

  const jobs = parseJobs(values['jobs'] as string | undefined);

  // Events read so far, per trace: with several jobs, progress reports of traces interleave, and
  // the line shows the latest trace and the rate over all of them.
  const started = performance.now();
  const readSoFar = new Map<number, number>();
  let total = 0;
  let lastShown = 0;
  const onProgress = (p: ConformProgress): void => {
    total += p.events - (readSoFar.get(p.index) ?? 0);
    readSoFar.set(p.index, p.events);
    const now = performance.now();
    if (now - lastShown < (io.isTTY ? 200 : 5000)) return;
    lastShown = now;
    const line = progressLine(p, p.events, (total / Math.max(1, now - started)) * 1000);
    if (io.isTTY) io.err(`\r${line.slice(0, io.columns - 1)}\x1b[K`);
    else io.err(`${line}\n`);
  };
  let result: ConformResult;
  try {
    result = await conform(positionals, {
      ...(values['thresholds'] === undefined ? {} : { thresholds: values['thresholds'] as string }),
      timeline: formats.includes('html'),
      stabilizationMs,
      maxErrors,
      deterministic: values['deterministic'] === true,
      onProgress,
      toolVersion: version(),
      jobs,
    });
  } catch (e) {
    if (e instanceof ConformInputError)
      throw new UsageError(`E_${e.code.toUpperCase().replace(/-/g, '_')}`, e.message, NAME);
    throw e;
  } finally {
    if (io.isTTY && lastShown > 0) io.err('\r\x1b[K');
  }

  const files: string[] = [];
  const fileFormats = formats.filter((f) => f !== 'terminal');
  if (fileFormats.length > 0) {
    try {
      mkdirSync(outDir, { recursive: true });
      for (const f of fileFormats) {
        const file = path.join(outDir, FORMATS[f]);
        const text =
          f === 'json'
            ? renderJson(withoutTimeline(result))
            : f === 'junit'
              ? renderJunit(result)
              : f === 'markdown'
                ? renderMarkdown(result)
                : renderHtml(result);
        writeFileSync(file, text);
        files.push(file);
      }
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^\w+: /, '') : String(e);
      throw new UsageError('E_OUT', `cannot write the reports to ${outDir}: ${why}`, NAME);
    }
  }
  if (values['json'] === true) {
    io.out(renderJson(withoutTimeline(result)));
  } else if (formats.includes('terminal') || files.length > 0) {
    io.out(renderTerminal(result, { color: io.color, width: io.columns }));
    for (const f of files) io.out(`  report  ${f}\n`);
  }
  return result.exitCode;
}

/** The `conform` command. */
export const conformCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help,
  run,
};

/**
 * The result without the events of the HTML report's space-time diagram: collected only when the
 * HTML report is asked for, they would make the JSON report depend on the other formats (and
 * weigh megabytes where the rest weighs kilobytes).
 */
function withoutTimeline(result: ConformResult): ConformResult {
  if (result.traces.every((t) => t.timeline === undefined)) return result;
  return {
    ...result,
    traces: result.traces.map((t) => {
      if (t.timeline === undefined) return t;
      const rest = { ...t };
      delete rest.timeline;
      return rest;
    }),
  };
}
