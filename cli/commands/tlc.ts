// `synod tlc <file.tla>`: run TLC (the TLA+ model checker, in Java) on a module, read its output,
// and print the verdict in synod's format (or as JSON), exiting by the same classes as `synod check`.

import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, relative, resolve } from 'node:path';
import { runTlc, type TlcReport } from '../../model-check/index.js';
import { intArg, onePositional, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { style } from '../render/style.js';
import { num, renderTlcResult, tlcJson, type TlcContext } from '../render/tlc.js';

const NAME = 'tlc';

function help(): string {
  return `Usage: synod tlc <file.tla> [--config file.cfg] [options]

Run TLC, the TLA+ model checker, on a module and print its verdict in synod's format: the
distinct states and the search depth (the figures to compare with \`synod check\` on the
TypeScript twin), and for a violation TLC's error trace step by step, showing only what each
step changed. TLC runs in the module's folder; its working files go to a temporary folder that
is removed afterwards.

Options:
  --config FILE     the model config (default: the module's name with .cfg, when it exists)
  --workers N       TLC worker threads, or "auto" for one per core (default 1: deterministic
                    runs and shortest error traces)
  --jar PATH        tla2tools.jar to use (default: $TLA2TOOLS_JAR)
  --raw             also stream TLC's own output to stderr while it runs
  --json            print one JSON object on stdout (tool, status, property, distinctStates,
                    generatedStates, depth, seconds, counterexample, messages, ...)

Environment:
  TLA2TOOLS_JAR     path of tla2tools.jar (https://github.com/tlaplus/tlaplus/releases)
  Java 11 or later must be on PATH (Debian: apt-get install default-jre-headless).

Exit codes: 0 no violation, 10 an invariant or action property is violated,
            11 a temporal property is violated, 12 deadlock, 75 TLC could not evaluate the spec,
            150 bad arguments, Java or tla2tools.jar missing, or TLC reported a parse, semantic
            or config error, 255 TLC's output could not be understood.

Examples:
  export TLA2TOOLS_JAR=$HOME/tla/tla2tools.jar
  synod tlc tla/Paxos.tla
  synod tlc tla/Paxos.tla --config tla/Paxos_ignore_promises.cfg
  synod tlc tla/Paxos.tla --config tla/Paxos_small.cfg --workers auto --json
`;
}

const options = {
  config: { type: 'string' },
  workers: { type: 'string' },
  jar: { type: 'string' },
  raw: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** A parsed `synod tlc` invocation. */
export interface TlcInvocation {
  file: string;
  config: string | undefined;
  workers: number;
  /** `--workers` as given, for the reproduce line (undefined: default). */
  workersArg: string | undefined;
  jar: string | undefined;
  raw: boolean;
  json: boolean;
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** Parse `synod tlc` arguments; throws UsageError for anything wrong. */
export function parseTlcArgs(args: string[]): TlcInvocation {
  const { values: v, positionals } = parseCommandArgs(NAME, args, options);
  const file = onePositional(
    NAME,
    positionals,
    'module',
    'which TLA+ module? (e.g. synod tlc tla/Paxos.tla)',
  );
  if (extname(file) !== '.tla') {
    throw new UsageError('E_TLC_NOT_TLA', `${file} is not a TLA+ module: give a .tla file`, NAME);
  }
  if (!isFile(file)) throw new UsageError('E_FILE_NOT_FOUND', `no such TLA+ module: ${file}`, NAME);
  const config = typeof v['config'] === 'string' ? v['config'] : undefined;
  if (config !== undefined && !isFile(config)) {
    throw new UsageError('E_FILE_NOT_FOUND', `no such TLC config: ${config}`, NAME);
  }
  const rawWorkers = typeof v['workers'] === 'string' ? v['workers'] : undefined;
  const workers =
    rawWorkers === undefined
      ? 1
      : rawWorkers === 'auto'
        ? availableParallelism()
        : intArg(NAME, '--workers', rawWorkers, 1, 1024);
  return {
    file,
    config,
    workers,
    workersArg: rawWorkers,
    jar: typeof v['jar'] === 'string' ? v['jar'] : undefined,
    raw: v['raw'] === true,
    json: v['json'] === true,
  };
}

/** The exit code for a report, by class (see `synod tlc --help`). */
export function tlcExitCode(r: TlcReport): number {
  switch (r.status) {
    case 'ok':
      return ExitCode.ok;
    case 'violation':
      return r.violation === 'temporal' ? ExitCode.liveness : ExitCode.safety;
    case 'deadlock':
      return ExitCode.deadlock;
    case 'error':
      return r.errorKind === 'evaluation' ? ExitCode.modelThrew : ExitCode.badInput;
    case 'unknown':
      return ExitCode.internal;
  }
}

const display = (p: string): string => {
  const rel = relative(process.cwd(), resolve(p));
  return rel === '' || rel.startsWith('..') ? resolve(p) : rel;
};

/** Shows TLC's progress lines as one live line on a terminal. */
function progressReporter(io: Io): { chunk(text: string): void; clear(): void } {
  let pending = '';
  let shown = false;
  return {
    chunk(text) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m =
          /^Progress\(\d+\) at [^:]+:\d+:\d+: ([\d,]+) states generated.*?, ([\d,]+) distinct states found.*?, ([\d,]+) states left on queue/.exec(
            line,
          );
        if (m === null) continue;
        const n = (s: string): string => num(Number(s.replaceAll(',', '')));
        const msg = `TLC: ${n(m[2]!)} distinct states (${n(m[1]!)} generated), ${n(m[3]!)} on queue`;
        io.err(`\r${msg.slice(0, Math.max(10, io.columns - 1))}\x1b[K`);
        shown = true;
      }
    },
    clear() {
      if (shown) io.err('\r\x1b[K');
    },
  };
}

async function run(args: string[], io: Io): Promise<number> {
  const inv = parseTlcArgs(args);
  const s = style(io.color);
  const live = io.isTTY && !inv.json && !inv.raw ? progressReporter(io) : undefined;
  const result = await runTlc({
    file: inv.file,
    ...(inv.config !== undefined ? { config: inv.config } : {}),
    ...(inv.jar !== undefined ? { jar: inv.jar } : {}),
    workers: inv.workers,
    onOutput: (chunk) => {
      if (inv.raw) io.err(chunk);
      live?.chunk(chunk);
    },
  });
  live?.clear();
  switch (result.kind) {
    case 'missing-file':
      throw new UsageError('E_FILE_NOT_FOUND', result.message, NAME);
    case 'missing-java':
      throw new UsageError('E_JAVA_MISSING', result.message, NAME);
    case 'missing-jar':
      throw new UsageError('E_TLC_JAR_MISSING', result.message, NAME);
    case 'ran':
      break;
  }
  const config = result.config !== undefined ? display(result.config) : undefined;
  const reproduce = [
    'npx synod tlc',
    display(inv.file),
    ...(config !== undefined ? ['--config', config] : []),
    ...(inv.workersArg !== undefined ? ['--workers', inv.workersArg] : []),
  ].join(' ');
  const ctx: TlcContext = {
    file: display(inv.file),
    config,
    wallSeconds: result.seconds,
    tlcExitCode: result.exitCode,
    reproduce,
  };
  const code = tlcExitCode(result.report);
  if (inv.json) {
    io.out(`${JSON.stringify(tlcJson(result.report, ctx, code))}\n`);
  } else {
    io.out(renderTlcResult(result.report, ctx, s));
  }
  if (result.report.status === 'unknown' && !inv.raw) {
    const tail = result.output.trimEnd().split('\n').slice(-20).join('\n');
    io.err(
      `${s.red('error')} ${s.dim('[E_TLC_OUTPUT]')} TLC's output holds no verdict synod recognises (TLC exit code ${result.exitCode}); its last lines:\n${tail}\n`,
    );
  }
  return code;
}

export const tlcCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help,
  run,
};
