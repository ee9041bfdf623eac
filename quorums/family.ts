// Quorum families as data: the counting (any K of N), explicit, grid and weighted shapes behind one
// small `QuorumFamily` interface. Each family keeps its shape so that intersection checks, fault
// tolerance and JSON export can use a closed form instead of enumerating subsets.

/** Which phase a family is for: phase 1 (prepare / promise) or phase 2 (accept / accepted). */
export type QuorumRole = 'q1' | 'q2';

/** A monotone family of quorums over named members (any superset of a quorum is a quorum). */
export interface QuorumFamily {
  /** A short human description, e.g. `majority of 5`, `any 2 of 3`, `rows of grid 2x3`, `{a1} | {a2}`. */
  readonly describe: string;
  /** The members, in the order quorums are listed in. */
  readonly members: readonly string[];
  /** True when `nodes` contains some quorum (names that are not members are ignored). */
  has(nodes: Iterable<string>): boolean;
  /**
   * The minimal quorums: each sorted by member order, the list sorted lexicographically by member
   * order (a prefix before its extensions). Throws {@link QuorumError} when listing them would take
   * more than 2^20 steps.
   */
  minimal(): string[][];
}

/** A bad quorum system or notation; the message is a sentence a user can act on. */
export class QuorumError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuorumError';
  }
}

/** Most steps `minimal()` and the other enumerations may take. */
export const WORK_LIMIT = 2 ** 20;

/** What a family is, for the closed forms (internal: not part of the public entry). */
export type FamilyShape =
  | { kind: 'count'; need: number; word: 'majority' | 'all' | 'any' }
  | { kind: 'explicit'; sets: readonly (readonly number[])[] }
  | { kind: 'grid'; rows: number; cols: number; axis: 'rows' | 'cols' }
  | { kind: 'weighted'; need: number; weights: readonly number[] };

/** A family built by this module: the public interface plus its shape and member indexes. */
export class ShapedFamily implements QuorumFamily {
  readonly describe: string;
  readonly members: readonly string[];
  readonly shape: FamilyShape;
  private readonly index: ReadonlyMap<string, number>;

  constructor(describe: string, members: readonly string[], shape: FamilyShape) {
    this.describe = describe;
    this.members = members;
    this.shape = shape;
    this.index = new Map(members.map((m, i) => [m, i]));
  }

  /** The member indexes in `nodes`, as a membership array over the members. */
  mask(nodes: Iterable<string>): boolean[] {
    const inside = new Array<boolean>(this.members.length).fill(false);
    for (const n of nodes) {
      const i = this.index.get(n);
      if (i !== undefined) inside[i] = true;
    }
    return inside;
  }

  has(nodes: Iterable<string>): boolean {
    return this.hasMask(this.mask(nodes));
  }

  hasMask(inside: readonly boolean[]): boolean {
    const s = this.shape;
    switch (s.kind) {
      case 'count': {
        let n = 0;
        for (const b of inside) if (b) n++;
        return n >= s.need;
      }
      case 'explicit':
        return s.sets.some((q) => q.every((i) => inside[i] === true));
      case 'grid':
        return gridLines(s, this.members.length).some((line) => line.every((i) => inside[i] === true));
      case 'weighted': {
        let w = 0;
        inside.forEach((b, i) => (w += b ? (s.weights[i] ?? 0) : 0));
        return w >= s.need;
      }
      default:
        return unreachable(s);
    }
  }

  minimal(): string[][] {
    return this.minimalIndexes(
      this.members.map(() => true),
      Infinity,
    ).map((q) => q.map((i) => this.members[i]!));
  }

  /**
   * The minimal quorums inside `allowed`, in sorted order, at most `limit` of them (the first ones).
   * Throws QuorumError past WORK_LIMIT steps.
   */
  minimalIndexes(allowed: readonly boolean[], limit: number): number[][] {
    const s = this.shape;
    const n = this.members.length;
    const free = allowed.flatMap((b, i) => (b ? [i] : []));
    switch (s.kind) {
      case 'count': {
        if (free.length < s.need) return [];
        const total = binomial(free.length, s.need);
        if (Math.min(total, limit) > WORK_LIMIT) throw tooMany(this.describe, total);
        return combinations(free, s.need, limit);
      }
      case 'explicit': {
        const out = s.sets.filter((q) => q.every((i) => allowed[i] === true)).map((q) => [...q]);
        return out.slice(0, limit);
      }
      case 'grid': {
        const lines = gridLines(s, n).filter((line) => line.every((i) => allowed[i] === true));
        return lines.sort(compareIndexLists).slice(0, limit);
      }
      case 'weighted':
        return weightedMinimal(s.weights, s.need, free, limit, this.describe);
      default:
        return unreachable(s);
    }
  }
}

/**
 * The non-empty lines of a grid (rows or columns) of `n` members laid out row-major, as the indexes
 * of their occupied cells. Cells past the members are empty; lines with no member are left out, so
 * the work follows `n`, never rows x cols (a `grid:1x99999999` header must not allocate the grid).
 */
export function gridLines(s: { rows: number; cols: number; axis: 'rows' | 'cols' }, n: number): number[][] {
  const width = Math.min(s.cols, n); // columns holding a member
  const height = Math.min(s.rows, Math.ceil(n / s.cols)); // rows holding a member
  const cell = (r: number, c: number): number => r * s.cols + c;
  const out: number[][] = [];
  if (s.axis === 'rows') {
    for (let r = 0; r < height; r++) {
      const line: number[] = [];
      for (let c = 0; c < width && cell(r, c) < n; c++) line.push(cell(r, c));
      out.push(line);
    }
  } else {
    for (let c = 0; c < width; c++) {
      const line: number[] = [];
      for (let r = 0; r < height && cell(r, c) < n; r++) line.push(cell(r, c));
      out.push(line);
    }
  }
  return out;
}

/** Lexicographic order of index lists, a prefix first. */
export function compareIndexLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** Removes duplicates and supersets from `sets` (each sorted) and sorts the rest. */
export function minimize(sets: readonly (readonly number[])[]): number[][] {
  const sorted = sets.map((q) => [...new Set(q)].sort((a, b) => a - b)).sort((a, b) => a.length - b.length);
  const kept: number[][] = [];
  for (const q of sorted) {
    const has = new Set(q);
    if (!kept.some((k) => k.every((i) => has.has(i)))) kept.push(q);
  }
  return kept.sort(compareIndexLists);
}

/** C(n, k), as a float (large values only need to compare with the work limit). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - Math.min(k, n - k) + i)) / i;
  return Math.round(r);
}

/** The k-subsets of `items` in lexicographic order, at most `limit`. */
function combinations(items: readonly number[], k: number, limit: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (from: number): void => {
    if (out.length >= limit) return;
    if (pick.length === k) {
      out.push(pick.map((p) => items[p]!));
      return;
    }
    for (let p = from; p <= items.length - (k - pick.length); p++) {
      pick.push(p);
      walk(p + 1);
      pick.pop();
      if (out.length >= limit) return;
    }
  };
  walk(0);
  return out;
}

/**
 * Minimal sets of `free` whose weight reaches `need`, in lexicographic order: a depth-first walk
 * that stops at the first set reaching `need` (its supersets are not minimal) and prunes branches
 * whose remaining weight cannot reach it.
 */
function weightedMinimal(
  weights: readonly number[],
  need: number,
  free: readonly number[],
  limit: number,
  describe: string,
): number[][] {
  const out: number[][] = [];
  if (need <= 0) return [[]];
  const suffix = new Array<number>(free.length + 1).fill(0);
  for (let p = free.length - 1; p >= 0; p--) suffix[p] = suffix[p + 1]! + (weights[free[p]!] ?? 0);
  const pick: number[] = [];
  let steps = 0;
  const walk = (from: number, w: number): void => {
    for (let p = from; p < free.length && out.length < limit; p++) {
      if (w + suffix[p]! < need) return;
      const i = free[p]!;
      const wi = weights[i] ?? 0;
      if (wi <= 0) continue; // a zero weight never belongs to a minimal quorum
      if (++steps > WORK_LIMIT) throw tooMany(describe, undefined);
      pick.push(i);
      if (w + wi >= need) {
        // Minimal when dropping any one member falls short: check the lightest.
        const lightest = Math.min(...pick.map((j) => weights[j] ?? 0));
        if (w + wi - lightest < need) out.push([...pick]);
      } else {
        walk(p + 1, w + wi);
      }
      pick.pop();
    }
  };
  walk(0, 0);
  return out;
}

function tooMany(describe: string, count: number | undefined): QuorumError {
  const what = count === undefined ? 'too many minimal quorums' : `${count.toExponential(2)} minimal quorums`;
  return new QuorumError(
    `${describe} has ${what} to list (the limit is ${WORK_LIMIT} steps); use a counting, grid or weighted form`,
  );
}

/** For exhaustive switches: a value the types say cannot exist. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
