// TLC, the TLA+ model checker, seen from synod: run it on a spec (`runTlc`) and read its console
// output into data (`parseTlcOutput`), so TLC's verdict on a tla/ twin can be compared with synod's.
// Only node: built-ins here; nothing is printed (progress goes to the `onOutput` hook).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';

/** What a TLC run concluded. `unknown`: the output holds no verdict synod recognises. */
export type TlcStatus = 'ok' | 'violation' | 'deadlock' | 'error' | 'unknown';

/** Which kind of property a `violation` broke. */
export type TlcViolationKind = 'invariant' | 'action-property' | 'temporal';

/**
 * The class of a TLC `error`: the spec does not parse or is not well-formed (`parse`), the model
 * config is wrong (`config`), an ASSUME is false for the chosen constants (`assumption`), TLC could
 * not evaluate an expression while exploring (`evaluation`), or anything else (`other`).
 */
export type TlcErrorKind = 'parse' | 'config' | 'assumption' | 'evaluation' | 'other';

/** One state of an error trace, as TLC printed it. */
export interface TlcStep {
  /** The state number TLC printed (1 for the initial state). */
  index: number;
  /**
   * The step that led here: `Initial predicate`, an action such as `Phase1a(1)` or `Next`,
   * `Stuttering` (the previous state repeats forever), or the action that closes a loop.
   */
  action: string;
  /** Where the action is defined, e.g. `line 40, col 3 to line 41, col 20 of module Paxos`. */
  location?: string;
  /** Each variable's value, in TLC's syntax (continuation lines joined by one space). */
  variables: Record<string, string>;
  /** For the last step of a lasso (`Back to state N`): the state the behaviour loops back to. */
  loopsBackTo?: number;
}

/** TLC's console output as data. Absent fields were not in the output. */
export interface TlcReport {
  status: TlcStatus;
  /** For `violation`: what kind of property. */
  violation?: TlcViolationKind;
  /** For `error`: its class. */
  errorKind?: TlcErrorKind;
  /** The property violated (several temporal properties are joined with `, `). */
  property?: string;
  /** TLC's version, e.g. `2.18` from `TLC2 Version 2.18 of 20 March 2023 (rev: 3ea3222)`. */
  version?: string;
  distinctStates?: number;
  /** States generated, initial states included, duplicates included. */
  generatedStates?: number;
  /** States left on the queue when TLC stopped (0 after a complete search). */
  queueLeft?: number;
  /** Depth of the search, in states, the initial state at depth 1. */
  depth?: number;
  /** Elapsed time TLC reported (`Finished in ...`), in seconds. */
  seconds?: number;
  /** The error trace, if TLC printed one. */
  counterexample?: TlcStep[];
  /** TLC's error messages (and SANY's parse errors), one entry each, in order. */
  messages: string[];
  /** TLC's warnings, one entry each. */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Reading the output.

const TOOL_START = /^@!@!@STARTMSG (\d+):(\d+) @!@!@$/;
const TOOL_END = /^@!@!@ENDMSG (\d+) @!@!@$/;

/**
 * Rewrite `-tool` output (each message between `@!@!@STARTMSG code:class @!@!@` and `@!@!@ENDMSG
 * code @!@!@`, without the `Error: ` / `State ` prefixes) into the plain console form.
 */
function untool(lines: string[]): string[] {
  if (!lines.some((l) => TOOL_START.test(l))) return lines;
  const out: string[] = [];
  let body: string[] | null = null;
  let cls = 0;
  for (const line of lines) {
    const start = TOOL_START.exec(line);
    if (start !== null) {
      body = [];
      cls = Number(start[2]);
      continue;
    }
    if (body !== null && TOOL_END.test(line)) {
      const first = body[0] ?? '';
      const back = /^(\d+): Back to state(?::\s*(.*))?$/.exec(first);
      if (back !== null) body[0] = `Back to state ${back[1]}${back[2] === undefined ? '' : `: ${back[2]}`}`;
      else if (cls === 4) body[0] = `State ${first}`;
      else if (cls === 1) body[0] = `Error: ${first}`;
      else if (cls === 2) body[0] = `TLC Bug: ${first}`;
      else if (cls === 3) body[0] = `Warning: ${first}`;
      out.push(...body);
      // Messages are separate paragraphs in the plain form; keep trace states apart.
      if (cls === 4) out.push('');
      body = null;
      continue;
    }
    if (body !== null) body.push(line);
    else out.push(line);
  }
  if (body !== null) out.push(...body);
  return out;
}

const int = (s: string): number => Number(s.replaceAll(',', ''));

/** `26s`, `01min 02s`, `1h 02min`, `2d 23h`, `1234ms` → seconds. */
export function parseTlcDuration(text: string): number | undefined {
  const units: Record<string, number> = { d: 86_400, h: 3_600, min: 60, s: 1, ms: 0.001 };
  let total = 0;
  let any = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|min|d|h|s)\b/g)) {
    total += Number(m[1]) * units[m[2]!]!;
    any = true;
  }
  return any ? total : undefined;
}

const STATE_HEADER = /^State (\d+):\s*(.*)$/;
const BACK_TO_STATE = /^Back to state (\d+)(?::\s*(.*))?$/;
const TRACE_HEADERS = [
  /^Error: The behavior up to this point is:/,
  /^Error: The following behavior constitutes a counter-example:/,
  /^Error: The error state is:/,
];
const STATS =
  /^([\d,]+) states generated, ([\d,]+) distinct states found(?:, ([\d,]+) states left on queue)?\.$/;
const PROGRESS =
  /^Progress\(\d+\) at [^:]+:\d+:\d+: ([\d,]+) states generated(?: \([^)]*\))?, ([\d,]+) distinct states found(?: \([^)]*\))?, (-?[\d,]+) states left on queue\./;
const SANY_ERROR = [
  /^\*\*\*Parse Error\*\*\*/,
  /^Lexical error at line/,
  /^Semantic errors:/,
  /^Fatal errors while parsing TLA\+ spec/,
  /^Could not parse module/,
  /^Cannot find source file for module/,
];

/** `<Phase1a(1) line 40, col 3 to line 41, col 20 of module Paxos>` → action and location. */
function splitAction(text: string): { action: string; location?: string } {
  const inner = /^<(.*)>$/.exec(text.trim())?.[1] ?? text.trim();
  const at = /^(.*?)\s+(line \d+, col \d+ to line \d+, col \d+ of module \S+)$/.exec(inner);
  if (at !== null) return { action: at[1]!, location: at[2]! };
  return { action: inner };
}

/** A line that ends an error message's continuation. */
function isStructural(line: string): boolean {
  return (
    line.startsWith('Error: ') ||
    line.startsWith('Warning: ') ||
    line.startsWith('/\\ ') ||
    STATE_HEADER.test(line) ||
    BACK_TO_STATE.test(line) ||
    STATS.test(line) ||
    line.startsWith('Finished in ') ||
    line.startsWith('Starting... ') ||
    line.startsWith('Model checking completed.') ||
    line.startsWith('The depth of the complete state graph search') ||
    line.startsWith('Progress(')
  );
}

/** Classify an `Error: ...` message TLC printed (without the prefix). */
function errorKindOf(message: string): TlcErrorKind {
  if (/^Parsing or semantic analysis failed/.test(message)) return 'parse';
  if (/configuration file|^The constant parameter .* is not assigned/.test(message)) return 'config';
  if (/^Assumption .* is false\.|^Evaluating assumption/.test(message)) return 'assumption';
  if (
    /^(Evaluating|Attempted|TLC threw an unexpected exception|Successor state is not completely specified|State is not completely specified|The first argument of Assert|In evaluation|TLC cannot handle|Applying|The (first|second)|In computing|TLC expected|There is no state satisfying|Java ran out of memory|This was a Java StackOverflowError|The EXCEPT|The variable .* was changed|Overflow|TLC can't)/.test(
      message,
    )
  ) {
    return 'evaluation';
  }
  return 'other';
}

/**
 * Read TLC's console output (TLC2 2.x, plain or `-tool` mode) into a {@link TlcReport}: the
 * verdict, the statistics, the error trace and the error messages.
 *
 * @example
 * ```ts
 * const report = parseTlcOutput(output);
 * if (report.status === 'violation') console.log(report.property, report.counterexample?.length);
 * ```
 */
export function parseTlcOutput(text: string): TlcReport {
  const lines = untool(text.replace(/\r\n?/g, '\n').split('\n')).filter((l) => l !== '--End Error.');
  const report: TlcReport = { status: 'unknown', messages: [], warnings: [] };
  let completed = false;
  let decided: 'violation' | 'deadlock' | 'error' | undefined;
  let progress: { generated: number; distinct: number; queue: number } | undefined;
  let trace: TlcStep[] | undefined;
  let step: TlcStep | undefined;
  let lastVar: string | undefined;

  // The first verdict wins: TLC stops at its first error, and what follows explains it.
  const decide = (status: 'violation' | 'deadlock' | 'error', kind?: TlcErrorKind): void => {
    if (decided !== undefined) return;
    decided = status;
    if (kind !== undefined) report.errorKind = kind;
  };
  const startTrace = (): void => {
    trace = [];
    report.counterexample = trace;
    step = undefined;
  };
  const newStep = (s: TlcStep): void => {
    if (trace === undefined) startTrace();
    trace!.push(s);
    step = s;
    lastVar = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;

    // Inside a trace state: variable lines and their continuations.
    if (step !== undefined) {
      const v = /^\/\\ ([A-Za-z_][\w]*) = (.*)$/.exec(line);
      if (v !== null) {
        step.variables[v[1]!] = v[2]!.trim();
        lastVar = v[1]!;
        continue;
      }
      if (lastVar !== undefined && /^\s+\S/.test(line)) {
        step.variables[lastVar] = `${step.variables[lastVar]!} ${line.trim()}`;
        continue;
      }
      // A one-variable spec prints `x = 1` without the conjunction bullet.
      const single = /^([A-Za-z_][\w]*) = (.*)$/.exec(line);
      if (single !== null && Object.keys(step.variables).length === 0) {
        step.variables[single[1]!] = single[2]!.trim();
        lastVar = single[1]!;
        continue;
      }
      step = undefined;
      lastVar = undefined;
    }
    if (line.trim() === '') continue;

    const state = STATE_HEADER.exec(line);
    if (state !== null) {
      const rest = state[2]!.trim();
      if (/^Stuttering$/i.test(rest))
        newStep({ index: Number(state[1]), action: 'Stuttering', variables: {} });
      else newStep({ index: Number(state[1]), ...splitAction(rest), variables: {} });
      continue;
    }
    const back = BACK_TO_STATE.exec(line);
    if (back !== null) {
      const previous = trace?.[trace.length - 1];
      const index = (previous?.index ?? 0) + 1;
      newStep({
        index,
        ...(back[2] === undefined ? { action: 'Back to state' } : splitAction(back[2])),
        variables: {},
        loopsBackTo: Number(back[1]),
      });
      step = undefined;
      continue;
    }

    let m: RegExpExecArray | null;
    if ((m = /^TLC2 Version (\S+)/.exec(line)) !== null) {
      report.version = m[1]!;
      continue;
    }
    if ((m = STATS.exec(line)) !== null) {
      report.generatedStates = int(m[1]!);
      report.distinctStates = int(m[2]!);
      if (m[3] !== undefined) report.queueLeft = int(m[3]);
      continue;
    }
    if ((m = PROGRESS.exec(line)) !== null) {
      progress = { generated: int(m[1]!), distinct: int(m[2]!), queue: int(m[3]!) };
      continue;
    }
    if ((m = /^The depth of the complete state graph search is (\d+)\./.exec(line)) !== null) {
      report.depth = Number(m[1]);
      continue;
    }
    if (line.startsWith('Model checking completed. No error has been found.')) {
      completed = true;
      continue;
    }
    if (
      (m = /^Finished in (.+?) at \(/.exec(line)) !== null ||
      (m = /^Finished in (.+)$/.exec(line)) !== null
    ) {
      const s = parseTlcDuration(m[1]!);
      if (s !== undefined) report.seconds = s;
      continue;
    }
    if (TRACE_HEADERS.some((h) => h.test(line))) {
      startTrace();
      continue;
    }
    if (line.startsWith('Warning: ')) {
      const body = [line.slice('Warning: '.length)];
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && !isStructural(lines[i + 1]!)) {
        body.push(lines[++i]!);
      }
      report.warnings.push(body.filter((l) => !/^\(Use the -nowarning option/.test(l)).join('\n'));
      continue;
    }
    if (line.startsWith('Error: ') || line.startsWith('TLC Bug: ')) {
      const bug = line.startsWith('TLC Bug: ');
      const first = line.slice(bug ? 'TLC Bug: '.length : 'Error: '.length);
      const body = [first];
      // After `... violated by the initial state:` comes the state itself, not more message.
      const stateFollows = /is violated by the initial state:\s*$/.test(first);
      while (
        !stateFollows &&
        i + 1 < lines.length &&
        lines[i + 1]!.trim() !== '' &&
        !isStructural(lines[i + 1]!)
      ) {
        body.push(lines[++i]!);
      }
      const message = body.join('\n');
      report.messages.push(message);
      if ((m = /^Invariant (\S+) is violated( by the initial state:)?/.exec(first)) !== null) {
        decide('violation');
        report.violation ??= 'invariant';
        report.property ??= m[1]!;
        // The initial state follows directly, without a `State 1:` line.
        if (m[2] !== undefined) newStep({ index: 1, action: 'Initial predicate', variables: {} });
        continue;
      }
      if ((m = /^Property (\S+) is violated by the initial state:/.exec(first)) !== null) {
        decide('violation');
        report.violation ??= 'temporal';
        report.property ??= m[1]!;
        newStep({ index: 1, action: 'Initial predicate', variables: {} });
        continue;
      }
      if ((m = /^Action property (\S+) is violated\./.exec(first)) !== null) {
        decide('violation');
        report.violation ??= 'action-property';
        report.property ??= m[1]!;
        continue;
      }
      if ((m = /^Temporal propert(?:y|ies)\s*(.*?)\s*(?:was|were) violated\./.exec(first)) !== null) {
        decide('violation');
        report.violation ??= 'temporal';
        const names = m[1]!
          .split(/,\s*(?:and\s+)?|\s+and\s+/)
          .map((n) => n.trim())
          .filter((n) => n !== '');
        if (names.length > 0) report.property ??= names.join(', ');
        continue;
      }
      if (/^Deadlock reached\./.test(first)) {
        decide('deadlock');
        continue;
      }
      decide('error', bug ? 'other' : errorKindOf(first));
      continue;
    }
    if (SANY_ERROR.some((r) => r.test(line))) {
      // SANY's report runs until TLC's own lines resume.
      const body = [line];
      while (
        i + 1 < lines.length &&
        !isStructural(lines[i + 1]!) &&
        !SANY_ERROR.some((r) => r.test(lines[i + 1]!)) &&
        !/^(Parsing file|Semantic processing of module|Starting\.\.\.)/.test(lines[i + 1]!)
      ) {
        body.push(lines[++i]!);
      }
      while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
      report.messages.push(body.join('\n'));
      decide('error', 'parse');
      continue;
    }
    if (/^TLC found an error in the configuration file at line \d+/.test(line)) {
      const body = [line];
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && !isStructural(lines[i + 1]!)) {
        body.push(lines[++i]!);
      }
      report.messages.push(body.join('\n'));
      decide('error', 'config');
      continue;
    }
  }

  if (report.generatedStates === undefined && progress !== undefined) {
    report.generatedStates = progress.generated;
    report.distinctStates = progress.distinct;
    if (progress.queue >= 0) report.queueLeft = progress.queue;
  }
  if (decided !== undefined) report.status = decided;
  else if (completed) report.status = 'ok';
  if (report.status === 'error' && report.errorKind === undefined) report.errorKind = 'other';
  if (report.counterexample !== undefined && report.counterexample.length === 0) delete report.counterexample;
  return report;
}

// ---------------------------------------------------------------------------------------------
// Running TLC.

/** Options of {@link runTlc}. */
export interface TlcRunOptions {
  /** The `.tla` module to check. */
  file: string;
  /** The model config; default: the module's basename with `.cfg`, if that file exists. */
  config?: string;
  /** Path of tla2tools.jar; default: `process.env.TLA2TOOLS_JAR`. */
  jar?: string;
  /** The java executable; default: `java` on PATH. */
  java?: string;
  /** TLC worker threads (default 1: deterministic, shortest error traces). */
  workers?: number;
  /** More TLC arguments, placed before the module name (e.g. `['-deadlock']`). */
  extraArgs?: string[];
  /** Receives TLC's output (stdout and stderr) as it arrives. */
  onOutput?: (chunk: string) => void;
}

/** The outcome of {@link runTlc}: TLC ran (whatever it found), or what was missing to run it. */
export type TlcRun =
  | {
      kind: 'ran';
      /** TLC's exit code (its own codes: 0 ok, 11 deadlock, 12 safety, 13 liveness, 150+ errors). */
      exitCode: number;
      report: TlcReport;
      /** Everything TLC printed, stdout and stderr interleaved as received. */
      output: string;
      /** Wall-clock seconds of the run, as measured here. */
      seconds: number;
      /** The config passed to TLC, if any (absolute path). */
      config?: string;
    }
  | { kind: 'missing-java'; message: string }
  | { kind: 'missing-jar'; message: string }
  | { kind: 'missing-file'; message: string };

const JAR_HELP =
  'download tla2tools.jar from the TLA+ releases (https://github.com/tlaplus/tlaplus/releases) and set TLA2TOOLS_JAR=/path/to/tla2tools.jar';

/** Whether `java -version` runs and exits 0. */
function javaRuns(java: string): Promise<boolean> {
  return new Promise((done) => {
    let child;
    try {
      child = spawn(java, ['-version'], { stdio: 'ignore' });
    } catch {
      done(false);
      return;
    }
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * Run TLC on a TLA+ module and parse what it prints.
 *
 * Runs `java -XX:+UseParallelGC -cp <jar> tlc2.TLC -workers <n> -metadir <tmp> -noGenerateSpecTE
 * [-config <cfg>] <module>` in the module's folder. TLC's working files go to a temporary folder
 * that is removed afterwards, and no trace-exploration spec is written next to the module.
 * Never rejects for a missing prerequisite: it resolves to a `missing-*` value whose message says
 * what to install or set.
 *
 * @example
 * ```ts
 * const run = await runTlc({ file: 'tla/Paxos.tla', config: 'tla/Paxos.cfg' });
 * if (run.kind === 'ran') console.log(run.report.status, run.report.distinctStates);
 * else console.error(run.message);
 * ```
 */
export async function runTlc(options: TlcRunOptions): Promise<TlcRun> {
  const file = resolve(options.file);
  if (!isFile(file)) return { kind: 'missing-file', message: `TLA+ module not found: ${options.file}` };
  let config: string | undefined;
  if (options.config !== undefined) {
    config = resolve(options.config);
    if (!isFile(config)) return { kind: 'missing-file', message: `TLC config not found: ${options.config}` };
  } else {
    const sibling = join(dirname(file), `${basename(file, extname(file))}.cfg`);
    if (isFile(sibling)) config = sibling;
  }

  const java = options.java ?? 'java';
  if (!(await javaRuns(java))) {
    return {
      kind: 'missing-java',
      message:
        options.java === undefined
          ? 'Java was not found on PATH: install a JDK 11+ (Debian: apt-get install default-jre-headless)'
          : `Java could not be run from ${options.java}: install a JDK 11+ (Debian: apt-get install default-jre-headless) or give the path of a working java`,
    };
  }

  const jar = options.jar ?? process.env['TLA2TOOLS_JAR'];
  if (jar === undefined || jar === '') {
    return { kind: 'missing-jar', message: `TLA2TOOLS_JAR is not set: ${JAR_HELP}` };
  }
  if (!isFile(jar)) {
    const source = options.jar !== undefined ? 'the jar given' : 'TLA2TOOLS_JAR';
    return { kind: 'missing-jar', message: `tla2tools.jar was not found at ${jar} (${source}): ${JAR_HELP}` };
  }

  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`runTlc: workers must be a positive integer, got ${String(workers)}`);
  }
  const metadir = mkdtempSync(join(tmpdir(), 'synod-tlc-'));
  const args = [
    '-XX:+UseParallelGC',
    '-cp',
    resolve(jar),
    'tlc2.TLC',
    '-workers',
    String(workers),
    '-metadir',
    metadir,
    '-noGenerateSpecTE',
    ...(config !== undefined ? ['-config', config] : []),
    ...(options.extraArgs ?? []),
    basename(file),
  ];
  const started = performance.now();
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((done, fail) => {
      const child = spawn(java, args, { cwd: dirname(file), stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: string[] = [];
      const take = (data: Buffer): void => {
        const chunk = data.toString('utf8');
        chunks.push(chunk);
        options.onOutput?.(chunk);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', fail);
      child.on('close', (code, signal) =>
        done({ exitCode: code ?? (signal !== null ? 128 : 255), output: chunks.join('') }),
      );
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      kind: 'ran',
      exitCode,
      report: parseTlcOutput(output),
      output,
      seconds,
      ...(config !== undefined ? { config } : {}),
    };
  } finally {
    rmSync(metadir, { recursive: true, force: true });
  }
}
