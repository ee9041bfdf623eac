// The command-line notation for quorum families (`majority`, `any:3`, `a1,a2|a2,a3`, `grid:2x3`,
// `weighted:3:a1=2,a2=1,a3=1`), its constructors, and the way back (`formatQuorumFamily`). Errors
// name the offending token and what was expected.

import {
  QuorumError,
  ShapedFamily,
  minimize,
  unreachable,
  type QuorumFamily,
  type QuorumRole,
} from './family.js';

/** The grammar, for help texts and error messages. */
export const QUORUM_NOTATION = [
  'majority            any strict majority of the acceptors',
  'all                 every acceptor',
  'any:K  or  K        any K acceptors',
  'a1,a2|a2,a3         explicit quorums: "|" between quorums, "," between members',
  'grid:RxC            acceptors row by row in an R x C grid: a full row (phase 1), a full column (phase 2)',
  'weighted:K:a1=2,... sets whose weights sum to at least K (unlisted acceptors weigh 0)',
].join('\n');

const EXPECTED =
  'expected majority, all, any:K, K, grid:RxC, weighted:K:a1=W,... or quorums like a1,a2|a2,a3';

/** Any strict majority of `members`. */
export function majorityOf(members: readonly string[]): QuorumFamily {
  checkMembers(members);
  return new ShapedFamily(`majority of ${members.length}`, members, {
    kind: 'count',
    need: Math.floor(members.length / 2) + 1,
    word: 'majority',
  });
}

/** Any `k` of `members` (`k` = members: every member). */
export function anyOf(k: number, members: readonly string[]): QuorumFamily {
  checkMembers(members);
  if (!Number.isInteger(k) || k < 1)
    throw new QuorumError(`any:${k}: K must be a whole number of at least 1`);
  if (k > members.length) {
    throw new QuorumError(`any:${k} needs at least ${k} acceptors, there are ${members.length}`);
  }
  const all = k === members.length;
  return new ShapedFamily(all ? `all of ${k}` : `any ${k} of ${members.length}`, members, {
    kind: 'count',
    need: k,
    word: all ? 'all' : 'any',
  });
}

/** The supersets of the listed sets. */
export function explicitOf(sets: readonly (readonly string[])[], members: readonly string[]): QuorumFamily {
  checkMembers(members);
  const index = new Map(members.map((m, i) => [m, i]));
  const indexed = sets.map((q) => {
    if (q.length === 0) throw new QuorumError('an explicit quorum is empty');
    return q.map((n) => {
      const i = index.get(n);
      if (i === undefined) throw notMember(n, members, undefined);
      return i;
    });
  });
  if (indexed.length === 0) throw new QuorumError('an explicit family needs at least one quorum');
  const kept = minimize(indexed);
  const describe = kept.map((q) => `{${q.map((i) => members[i]!).join(',')}}`).join(' | ');
  return new ShapedFamily(describe, members, { kind: 'explicit', sets: kept });
}

/** `members` row by row in a `rows` x `cols` grid: rows are the quorums for `q1`, columns for `q2`. */
export function gridOf(
  rows: number,
  cols: number,
  members: readonly string[],
  role: QuorumRole,
): QuorumFamily {
  checkMembers(members);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new QuorumError(`grid:${rows}x${cols}: rows and columns must be whole numbers of at least 1`);
  }
  if (members.length > rows * cols) {
    throw new QuorumError(`grid:${rows}x${cols} needs at most ${rows * cols} members, got ${members.length}`);
  }
  const empty = rows * cols - members.length;
  const axis = role === 'q1' ? 'rows' : 'cols';
  const note = empty === 0 ? '' : ` (${empty} empty cell${empty === 1 ? '' : 's'})`;
  return new ShapedFamily(`${axis === 'rows' ? 'rows' : 'columns'} of grid ${rows}x${cols}${note}`, members, {
    kind: 'grid',
    rows,
    cols,
    axis,
  });
}

/** Sets of `members` whose weights (missing = 0) sum to at least `need`. */
export function weightedOf(
  need: number,
  weights: Readonly<Record<string, number>>,
  members: readonly string[],
): QuorumFamily {
  checkMembers(members);
  if (!Number.isFinite(need) || need <= 0)
    throw new QuorumError(`weighted:${need}: K must be a number above 0`);
  for (const [name, w] of Object.entries(weights)) {
    if (!members.includes(name)) throw notMember(name, members, undefined);
    if (!Number.isFinite(w) || w < 0)
      throw new QuorumError(`weight of ${name} must be a number >= 0, got ${w}`);
  }
  const ws = members.map((m) => weights[m] ?? 0);
  const total = ws.reduce((a, b) => a + b, 0);
  if (total < need) {
    throw new QuorumError(`weighted:${need}: the weights sum to ${total}, so no set reaches ${need}`);
  }
  const listed = members.filter((m) => (weights[m] ?? 0) > 0).map((m) => `${m}=${weights[m]}`);
  return new ShapedFamily(`weight >= ${need} of ${listed.join(', ')}`, members, {
    kind: 'weighted',
    need,
    weights: ws,
  });
}

/**
 * Parses the command-line notation (see {@link QUORUM_NOTATION}) into a family over `members`.
 * `role` matters for `grid:RxC` only: rows are phase-1 quorums, columns phase-2 quorums.
 */
export function parseQuorumFamily(text: string, members: readonly string[], role: QuorumRole): QuorumFamily {
  checkMembers(members);
  const t = text.trim();
  if (t === '') throw new QuorumError(`empty quorum notation; ${EXPECTED}`);
  if (t === 'majority') return majorityOf(members);
  if (t === 'all') return anyOf(members.length, members);
  const any = /^any:(.*)$/.exec(t);
  if (any !== null || /^\d+$/.test(t)) {
    const k = any === null ? t : any[1]!.trim();
    if (!/^\d+$/.test(k)) throw new QuorumError(`"${t}": K must be a whole number, got "${k}"`);
    return anyOf(Number(k), members);
  }
  const grid = /^grid:(.*)$/.exec(t);
  if (grid !== null) {
    const m = /^(\d+)\s*x\s*(\d+)$/i.exec(grid[1]!.trim());
    if (m === null) throw new QuorumError(`"${t}": expected grid:RxC with whole numbers, e.g. grid:2x3`);
    return gridOf(Number(m[1]), Number(m[2]), members, role);
  }
  const weighted = /^weighted:(.*)$/.exec(t);
  if (weighted !== null) return parseWeighted(t, weighted[1]!, members);
  if (/^[a-z]+:/i.test(t)) {
    throw new QuorumError(`"${t}": unknown form "${t.slice(0, t.indexOf(':') + 1)}"; ${EXPECTED}`);
  }
  return parseExplicit(t, members);
}

function parseWeighted(t: string, body: string, members: readonly string[]): QuorumFamily {
  const colon = body.indexOf(':');
  if (colon < 0)
    throw new QuorumError(`"${t}": expected weighted:K:a1=W,a2=W,... e.g. weighted:3:a1=2,a2=1,a3=1`);
  const k = body.slice(0, colon).trim();
  if (!isNumber(k)) throw new QuorumError(`"${t}": K must be a number, got "${k}"`);
  const weights: Record<string, number> = {};
  for (const item of body.slice(colon + 1).split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S*)\s*$/.exec(item);
    if (m === null) throw new QuorumError(`"${t}": expected name=weight, got "${item.trim()}"`);
    const [, name, w] = m as unknown as [string, string, string];
    if (!members.includes(name)) throw notMember(name, members, t);
    if (!isNumber(w))
      throw new QuorumError(`"${t}": the weight of ${name} must be a number >= 0, got "${w}"`);
    if (name in weights) throw new QuorumError(`"${t}": ${name} has two weights`);
    weights[name] = Number(w);
  }
  return weightedOf(Number(k), weights, members);
}

function parseExplicit(t: string, members: readonly string[]): QuorumFamily {
  const sets = t.split('|').map((part) => {
    const names = part.split(',').map((n) => n.trim());
    if (names.every((n) => n === '')) throw new QuorumError(`empty quorum in "${t}"`);
    return names.map((n) => {
      if (n === '') throw new QuorumError(`empty member name in "${t}"`);
      if (!members.includes(n)) throw notMember(n, members, t);
      return n;
    });
  });
  return explicitOf(sets, members);
}

/**
 * The notation that {@link parseQuorumFamily} reads back into the same family (for any family:
 * families from elsewhere are written as their explicit minimal quorums).
 */
export function formatQuorumFamily(family: QuorumFamily): string {
  if (family instanceof ShapedFamily) {
    const s = family.shape;
    switch (s.kind) {
      case 'count':
        return s.word === 'majority' ? 'majority' : s.word === 'all' ? 'all' : `any:${s.need}`;
      case 'explicit':
        return s.sets.map((q) => q.map((i) => family.members[i]!).join(',')).join('|');
      case 'grid':
        return `grid:${s.rows}x${s.cols}`;
      case 'weighted':
        return `weighted:${s.need}:${family.members
          .flatMap((m, i) => ((s.weights[i] ?? 0) > 0 ? [`${m}=${s.weights[i]}`] : []))
          .join(',')}`;
      default:
        return unreachable(s);
    }
  }
  return family
    .minimal()
    .map((q) => q.join(','))
    .join('|');
}

function isNumber(s: string): boolean {
  return /^(\d+(\.\d*)?|\.\d+)$/.test(s);
}

function checkMembers(members: readonly string[]): void {
  if (members.length === 0) throw new QuorumError('a quorum family needs at least one acceptor');
  const seen = new Set<string>();
  for (const m of members) {
    if (m === '') throw new QuorumError('an acceptor name is empty');
    if (seen.has(m)) throw new QuorumError(`acceptor ${m} is listed twice`);
    seen.add(m);
  }
}

function notMember(name: string, members: readonly string[], text: string | undefined): QuorumError {
  const shown = members.length > 12 ? `${members.slice(0, 12).join(', ')}, ...` : members.join(', ');
  return new QuorumError(
    `${text === undefined ? '' : `"${text}": `}${name} is not an acceptor (acceptors: ${shown})`,
  );
}
