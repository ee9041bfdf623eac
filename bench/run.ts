// `npm run bench`: each workload in fresh processes (cold, as `synod check` runs), median figures,
// the ratio to TLC's published throughput, and TLC itself on the same model when TLA2TOOLS_JAR is set.

import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CheckStats } from '../model-check/index.js';
import { runTlc } from '../model-check/tlc.js';
import { runConformBench } from './conform.js';
import { runSimBench, simBenchMatches } from './sim.js';
import { fmt, median } from './stats.js';
import { workloads } from './workloads.js';

const USAGE = `usage: npm run bench -- [--runs N] [--only TEXT] [--json] [--no-tlc]

Runs synod's benchmarks and prints medians (figures and the machine: BENCHMARKS.md).

  --runs N      cold runs per model-checking workload (default 5; the simulator and
                conformance parts take at most 3)
  --only TEXT   only the workloads whose name contains TEXT, e.g.
                  paxos-3-2-2   one model-checking workload (names in bench/workloads.ts)
                  sim           the simulator: events per wall second, traced and untraced
                  adaptive      adaptive quorums: decisions per class, leader churn
                  pbft          PBFT with Ed25519 signatures
                  conform       synod conform on synthetic traces of 1M and 10M events
  --json        one JSON object per part instead of tables
  --no-tlc      do not run TLC even when TLA2TOOLS_JAR is set
  --help        this text`;

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}\n`);
  process.exit(150);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-tlc': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (e) {
  usageError(e instanceof Error ? e.message : String(e));
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1)
  usageError(`--runs must be a positive integer, got ${values.runs}`);
const only = values.only;
/** `--only` selects a model-checking workload by name, the conformance part by its prefix. */
const workloadSelected = (name: string): boolean => only === undefined || name.includes(only);
const conformSelected = only === undefined || only.startsWith('conform');
if (
  only !== undefined &&
  !workloads.some((w) => workloadSelected(w.name)) &&
  !simBenchMatches(only) &&
  !conformSelected
) {
  usageError(`--only ${JSON.stringify(only)} selects no workload`);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const worker = fileURLToPath(new URL('./worker.js', import.meta.url));

type Row = {
  workload: string;
  status: string;
  distinctStates: number;
  medianSeconds: number;
  medianStatesPerSecond: number;
  bytesPerState: number;
  peakMemoryMiB: number;
  tlcReferenceStatesPerSecond?: number;
  ratioToTlcReference?: number;
  tlcMeasured?: { seconds: number; distinctStates?: number; statesPerSecond?: number; ratio?: number };
};

const rows: Row[] = [];
const log = (s: string): void => {
  if (!values.json) console.log(s);
};
log(
  `synod bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${runs} cold runs per workload, medians`,
);

for (const w of workloads) {
  if (!workloadSelected(w.name)) continue;
  const samples: (CheckStats & { status: string })[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [worker, w.name], { cwd: root, encoding: 'utf8' });
    samples.push(JSON.parse(out) as CheckStats & { status: string });
  }
  const first = samples[0]!;
  const row: Row = {
    workload: w.name,
    status: first.status,
    distinctStates: first.distinctStates,
    medianSeconds: median(samples.map((s) => s.seconds)),
    medianStatesPerSecond: median(samples.map((s) => s.statesPerSecond)),
    bytesPerState: first.bytesPerState,
    peakMemoryMiB: median(samples.map((s) => s.peakMemoryBytes)) / 2 ** 20,
  };
  if (w.tlcReference !== undefined) {
    row.tlcReferenceStatesPerSecond = w.tlcReference.statesPerSecond;
    row.ratioToTlcReference = row.medianStatesPerSecond / w.tlcReference.statesPerSecond;
  }
  if (w.tlc !== undefined && !values['no-tlc'] && process.env['TLA2TOOLS_JAR'] !== undefined) {
    const tlc = await runTlc({
      file: `${root}/${w.tlc.file}`,
      config: `${root}/${w.tlc.config}`,
      workers: 1,
    });
    if (tlc.kind === 'ran') {
      const d = tlc.report.distinctStates;
      const sps = d !== undefined ? d / tlc.seconds : undefined;
      row.tlcMeasured = { seconds: tlc.seconds, distinctStates: d, statesPerSecond: sps };
      if (sps !== undefined) row.tlcMeasured.ratio = row.medianStatesPerSecond / sps;
    } else {
      log(`  TLC not run: ${tlc.message}`);
    }
  }
  rows.push(row);
  log(`\n${w.description}`);
  log(
    `  ${row.status}: ${fmt(row.distinctStates)} distinct states, median ${row.medianSeconds.toFixed(3)} s, ` +
      `${fmt(row.medianStatesPerSecond)} states/s; stores ${row.bytesPerState.toFixed(1)} bytes/state; peak RSS ${row.peakMemoryMiB.toFixed(0)} MiB`,
  );
  if (row.ratioToTlcReference !== undefined) {
    log(
      `  vs TLC reference ${fmt(row.tlcReferenceStatesPerSecond!)} states/s (${w.tlcReference!.source}): ${row.ratioToTlcReference.toFixed(1)}x`,
    );
  }
  if (row.tlcMeasured !== undefined) {
    const t = row.tlcMeasured;
    log(
      `  TLC here, same run: ${t.distinctStates !== undefined ? fmt(t.distinctStates) : '?'} distinct states in ${t.seconds.toFixed(1)} s` +
        (t.ratio !== undefined
          ? ` (${fmt(t.statesPerSecond!)} states/s): synod is ${t.ratio.toFixed(1)}x`
          : ''),
    );
  }
}
if (process.env['TLA2TOOLS_JAR'] === undefined && !values.json) {
  log('\n(set TLA2TOOLS_JAR=/path/to/tla2tools.jar to run TLC on tla/Paxos.tla in the same run)');
}
if (values.json) console.log(JSON.stringify({ node: process.version, runs, rows }));
await runSimBench({
  runs: Math.min(runs, 3),
  json: values.json,
  ...(values.only === undefined ? {} : { only: values.only }),
});
if (conformSelected) {
  await runConformBench({ runs: Math.min(runs, 3), json: values.json });
}
