// `synod quorums --acceptors 5 --q1 grid:2x3 --q2 grid:2x3`: is this quorum system safe? Prints
// both families, whether every phase-1 quorum meets every phase-2 quorum (a disjoint pair when
// not: exit 10), and how many acceptor failures each phase survives. The library is quorums/.

import {
  QUORUM_NOTATION,
  QuorumError,
  faultTolerance,
  formatQuorumFamily,
  intersects,
  parseQuorumFamily,
  toQuorumSystem,
  type QuorumFamily,
  type QuorumRole,
} from '../../quorums/index.js';
import { intArg, parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { style } from '../render/style.js';

const NAME = 'quorums';
/** Minimal quorums printed per family in text output (JSON lists up to JSON_LIMIT). */
const SHOWN = 8;
const JSON_LIMIT = 1000;

function help(): string {
  return `Usage: synod quorums [--acceptors N | --acceptors a1,b2,c3] [--q1 NOTATION] [--q2 NOTATION] [--json]

Check a quorum system before you build on it. Paxos stays safe when every phase-1 quorum (the
acceptors a new leader hears from) meets every phase-2 quorum (the acceptors that accepted a
value): otherwise a leader can miss a chosen value and choose another. This command lists both
families, checks that they always meet (a disjoint pair when not), and says how many acceptor
failures each phase survives: the largest k such that, whichever k acceptors fail, the rest still
hold a quorum.

Options:
  --acceptors N|LIST  N acceptors named a1..aN (default 3), or a comma-separated list of names
  --q1 NOTATION       phase-1 quorums (default majority)
  --q2 NOTATION       phase-2 quorums (default majority)
  --json              print one JSON object: { acceptors, q1, q2, intersect, witness?, quorum? }
                      (quorum: the system as a trace header writes it)

Notation (the same for --q1 and --q2; a superset of a quorum is a quorum):
${QUORUM_NOTATION.split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}

Exit codes: 0 every phase-1 quorum meets every phase-2 quorum, 10 they do not (unsafe),
150 bad arguments or notation.

Examples:
  synod quorums --acceptors 5 --q1 any:4 --q2 any:2     flexible Paxos: safe, 4 + 2 > 5
  synod quorums --acceptors 6 --q1 grid:2x3 --q2 grid:2x3
  synod quorums --acceptors 5 --q1 grid:2x3 --q2 grid:2x3   an empty cell: unsafe
  synod quorums --acceptors 3 --q1 "a1,a2|a2,a3|a1,a3" --q2 "a1|a2"
  synod quorums --acceptors 4 --q1 weighted:3:a1=2,a2=1,a3=1,a4=1 --q2 weighted:3:a1=2,a2=1,a3=1,a4=1
`;
}

/** One family as the report shows it. */
interface FamilyReport {
  notation: string;
  describe: string;
  /** The first minimal quorums (all of them unless `minimalCount` is larger, or null: too many). */
  minimal: string[][];
  minimalCount: number | null;
  /** Acceptor failures this phase survives (null: too many acceptors to compute). */
  faultTolerance: number | null;
}

/** The result of {@link checkQuorums}, the command's programmatic twin. */
export interface QuorumsReport {
  acceptors: string[];
  q1: FamilyReport;
  q2: FamilyReport;
  intersect: boolean;
  witness?: { q1: string[]; q2: string[] };
  /** The system as a trace header's `quorum` (absent when its explicit lists would be too long). */
  quorum?: unknown;
}

/** Parse both families over `acceptors` and check them; throws UsageError on bad notation. */
export function checkQuorums(acceptors: string[], q1Text: string, q2Text: string): QuorumsReport {
  const q1 = family(q1Text, acceptors, 'q1');
  const q2 = family(q2Text, acceptors, 'q2');
  let meet;
  try {
    meet = intersects(q1, q2);
  } catch (e) {
    if (e instanceof QuorumError) throw new UsageError('E_ARG_VALUE', e.message, NAME);
    throw e;
  }
  let quorum: unknown;
  try {
    quorum = toQuorumSystem(q1, q2);
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
  }
  return {
    acceptors,
    q1: report(q1),
    q2: report(q2),
    intersect: meet.ok,
    ...(meet.ok ? {} : { witness: { q1: meet.q1, q2: meet.q2 } }),
    ...(quorum === undefined ? {} : { quorum }),
  };
}

function family(text: string, acceptors: string[], role: QuorumRole): QuorumFamily {
  try {
    return parseQuorumFamily(text, acceptors, role);
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
    const flag = `--${role}`;
    throw new UsageError(
      'E_ARG_VALUE',
      e.message.startsWith('"') ? `${flag} ${e.message}` : `${flag}: ${e.message}`,
      NAME,
    );
  }
}

function report(f: QuorumFamily): FamilyReport {
  let minimal: string[][] = [];
  let minimalCount: number | null = null;
  try {
    const all = f.minimal();
    minimal = all.slice(0, JSON_LIMIT);
    minimalCount = all.length;
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
  }
  let tolerance: number | null = null;
  try {
    tolerance = faultTolerance(f);
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
  }
  return {
    notation: formatQuorumFamily(f),
    describe: f.describe,
    minimal,
    minimalCount,
    faultTolerance: tolerance,
  };
}

function acceptorsOf(raw: string | undefined): string[] {
  if (raw === undefined) return names(3);
  if (/^\s*[+-]?\d+\s*$/.test(raw)) return names(intArg(NAME, '--acceptors', raw, 1, 10_000));
  const list = raw.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) {
    throw new UsageError('E_ARG_VALUE', `--acceptors: empty name in ${JSON.stringify(raw)}`, NAME);
  }
  const twice = list.find((s, i) => list.indexOf(s) !== i);
  if (twice !== undefined) throw new UsageError('E_ARG_VALUE', `--acceptors: ${twice} is listed twice`, NAME);
  return list;
}

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `a${i + 1}`);

const set = (q: readonly string[]): string => `{${q.join(',')}}`;
const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    acceptors: { type: 'string' },
    q1: { type: 'string' },
    q2: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) {
    throw new UsageError(
      'E_ARG_UNKNOWN',
      `unexpected argument ${JSON.stringify(positionals[0])} (quorums are given with --q1 and --q2)`,
      NAME,
    );
  }
  const acceptors = acceptorsOf(values['acceptors'] as string | undefined);
  const q1Text = (values['q1'] as string | undefined) ?? 'majority';
  const q2Text = (values['q2'] as string | undefined) ?? 'majority';
  const r = checkQuorums(acceptors, q1Text, q2Text);
  const code = r.intersect ? ExitCode.ok : ExitCode.safety;
  if (values['json'] === true) {
    io.out(`${JSON.stringify(r, null, 2)}\n`);
    return Promise.resolve(code);
  }
  const s = style(io.color);
  const shownAcceptors =
    acceptors.length > 20 ? `${acceptors.slice(0, 20).join(', ')}, ...` : acceptors.join(', ');
  const lines = [`${s.bold('acceptors')}  ${plural(acceptors.length, 'acceptor')}: ${shownAcceptors}`];
  for (const [label, f] of [
    ['phase 1', r.q1],
    ['phase 2', r.q2],
  ] as const) {
    const count =
      f.minimalCount === null ? 'too many minimal quorums to list' : plural(f.minimalCount, 'minimal quorum');
    lines.push(`${s.bold(label)}    ${f.describe}: ${count}`);
    if (f.minimalCount !== null) {
      const more = f.minimalCount - SHOWN;
      lines.push(
        `           ${f.minimal.slice(0, SHOWN).map(set).join('  ')}${more > 0 ? s.dim(`  ... and ${more} more`) : ''}`,
      );
    }
    lines.push(`           ${tolerance(f.faultTolerance, label)}`);
  }
  lines.push('');
  if (r.witness === undefined) {
    lines.push(`${s.green('✓ safe')}: every phase-1 quorum meets every phase-2 quorum`);
  } else {
    const { q1, q2 } = r.witness;
    lines.push(
      `${s.red('✗ unsafe')}: phase-1 quorum ${set(q1)} and phase-2 quorum ${set(q2)} do not meet`,
      `  a value accepted by ${set(q2)} can be missed by a leader that heard only from ${set(q1)},`,
      '  which may then choose a different value.',
      `  reproduce: synod quorums --acceptors ${argOf(acceptors)} --q1 ${quote(q1Text)} --q2 ${quote(q2Text)}`,
    );
  }
  io.out(`${lines.join('\n')}\n`);
  return Promise.resolve(code);
}

function tolerance(k: number | null, phase: string): string {
  if (k === null) return 'fault tolerance: too many acceptors to compute';
  const stop = k + 1 === 1 ? 'one failed acceptor can' : `some ${k + 1} failed acceptors can`;
  return `survives ${k === 0 ? 'no acceptor failure' : `any ${plural(k, 'acceptor failure')}`}; ${stop} stop ${phase}`;
}

/** `--acceptors` as typed back: N when the names are a1..aN. */
function argOf(acceptors: string[]): string {
  return acceptors.every((a, i) => a === `a${i + 1}`) ? String(acceptors.length) : acceptors.join(',');
}

function quote(text: string): string {
  return /^[A-Za-z0-9:=,._-]+$/.test(text) ? text : `"${text}"`;
}

/** The `quorums` command. */
export const quorumsCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help,
  run,
};
