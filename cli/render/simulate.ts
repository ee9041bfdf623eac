// Text rendering of `synod simulate`: the live progress line, the final table, the safety report,
// and the shrunk scenario of `--explore`.

import {
  humanDuration,
  type ExploreResult,
  type SimulationProgress,
  type SimulationResult,
} from '../../impl/sim/index.js';
import type { Style } from './style.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string =>
  n < 10 ? `${n.toFixed(2)}ms` : n < 1000 ? `${n.toFixed(1)}ms` : humanDuration(n);

/** One progress line (plain text; the caller colours and truncates it). */
export function progressLine(p: SimulationProgress): string {
  const pct = p.durationMs > 0 ? Math.min(100, (100 * p.virtualMs) / p.durationMs) : 100;
  return (
    `virtual ${humanDuration(p.virtualMs)} / ${humanDuration(p.durationMs)} (${pct.toFixed(0)}%)  ` +
    `decisions ${int(p.decisions)}  messages ${int(p.sent)} sent, ${int(p.dropped)} dropped  ` +
    `faults ${int(p.faultsApplied)}  wall ${p.wallSeconds.toFixed(1)}s`
  );
}

/** The final table of a run. */
export function renderResult(r: SimulationResult, s: Style, replay: string): string {
  const st = r.stats;
  const ratio = st.wallSeconds > 0 ? st.virtualSeconds / st.wallSeconds : Infinity;
  const rows: [string, string][] = [
    ['decisions', `${int(st.decisions)} slots (${int(st.decideEvents)} decide events)`],
    [
      'decision latency',
      st.latency.samples === 0
        ? 'no client operation completed'
        : `p50 ${ms(st.latency.p50)}  p95 ${ms(st.latency.p95)}  p99 ${ms(st.latency.p99)}  (${int(st.latency.samples)} ops, invoke → ok)`,
    ],
    [
      'client ops',
      `${int(st.clientOps.invoked)} invoked: ${int(st.clientOps.ok)} ok, ${int(st.clientOps.fail)} fail, ${int(st.clientOps.info)} info` +
        (st.clientOps.skipped > 0 ? ` (${int(st.clientOps.skipped)} skipped: every client busy)` : ''),
    ],
    [
      'messages',
      `${int(st.messages.sent)} sent, ${int(st.messages.delivered)} delivered, ${int(st.messages.dropped)} dropped, ${int(st.messages.duplicated)} duplicated`,
    ],
    ['messages/decision', st.decisions === 0 ? '-' : st.messagesPerDecision.toFixed(1)],
    ['faults applied', int(st.faultsApplied)],
    [
      'time',
      `${humanDuration(st.virtualSeconds * 1000)} virtual in ${st.wallSeconds.toFixed(2)}s wall (${ratio === Infinity ? '∞' : int(ratio)}× real time), ${int(st.events)} events (${int(st.eventsPerWallSecond)}/s)`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${s.dim(k.padEnd(width))}  ${v}`);
  let head: string;
  switch (r.status) {
    case 'ok':
      head = `${s.green('✓')} no two nodes decided differently for any slot`;
      break;
    case 'safety-violation': {
      const v = r.violation!;
      head = [
        `${s.red('✗ safety violation')}: slot ${v.slot} decided twice with different values at ${humanDuration(v.t)} virtual`,
        `  ${s.bold(v.first.node)} decided ${JSON.stringify(v.first.value)} at ${humanDuration(v.first.t)}`,
        `  ${s.bold(v.second.node)} decided ${JSON.stringify(v.second.value)} at ${humanDuration(v.second.t)}`,
        `  replay: ${replay}`,
      ].join('\n');
      break;
    }
    case 'error': {
      const e = r.error!;
      const detail = e.error instanceof Error ? (e.error.stack ?? e.message) : e.message;
      head = `${s.red('✗')} node ${e.node} threw in ${e.during} at ${humanDuration(e.t)} virtual:\n  ${detail.split('\n').slice(0, 6).join('\n  ')}\n  replay: ${replay}`;
      break;
    }
  }
  return `${head}\n${lines.join('\n')}\n`;
}

/** The outcome of `--explore`. */
export function renderExplore(
  r: ExploreResult,
  s: Style,
  scenarioText: string | undefined,
  file: string | undefined,
  replay: string | undefined,
): string {
  if (r.failure === undefined) {
    return `${s.green('✓')} ${int(r.runs)} runs with random faults: no safety violation (${r.wallSeconds.toFixed(1)}s)\n`;
  }
  const f = r.failure;
  const what =
    f.result.status === 'error' ? `a node threw (${f.result.error?.message ?? ''})` : `a safety violation`;
  const lines = [
    `${s.red('✗')} run ${int(r.runs)} of the search found ${what}; shrunk from ${f.original.faults.length} to ${f.scenario.faults.length} faults in ${int(f.shrinks)} steps (${r.wallSeconds.toFixed(1)}s)`,
  ];
  if (f.result.violation !== undefined) {
    const v = f.result.violation;
    lines.push(
      `  slot ${v.slot}: ${v.first.node} decided ${JSON.stringify(v.first.value)}, ${v.second.node} decided ${JSON.stringify(v.second.value)} (at ${humanDuration(v.t)} virtual)`,
    );
  }
  if (scenarioText !== undefined)
    lines.push(
      '  minimal fault schedule:',
      ...scenarioText
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
  if (file !== undefined) lines.push(`  written to ${file}`);
  if (replay !== undefined) lines.push(`  replay: ${replay}`);
  return lines.join('\n') + '\n';
}
