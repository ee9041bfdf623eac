// Quorum systems of a trace header (JSON) as families and as phase-1 / phase-2 predicates, and the
// way back from a pair of families to the JSON a trace header carries. The safety checks ask the
// predicates for every decision; `classes` systems pick the phase-2 family by a slot's class.

import type { QuorumSystem } from '../traces/index.js';
import { QuorumError, ShapedFamily, type QuorumFamily } from './family.js';
import { anyOf, explicitOf, gridOf, majorityOf, weightedOf } from './parse.js';

/** Phase-1 and phase-2 quorum tests over node names. */
export interface Quorums {
  /** A short human description, e.g. `majority of 5`, `grid 2x3`. */
  readonly describe: string;
  /** The voting nodes. */
  readonly members: readonly string[];
  isQ1(nodes: Iterable<string>): boolean;
  /**
   * `cls`: the criticality class of the slot under a `classes` system; ignored otherwise. No class
   * (undefined) accepts a phase-2 quorum of any class; a class the system does not define needs a
   * phase-2 quorum of every class (a misspelt class cannot hide a missing quorum).
   */
  isQ2(nodes: Iterable<string>, cls?: string): boolean;
  /** Smallest number of members a phase-2 quorum can have. */
  readonly minQ2: number;
  /** The class names of a `classes` system. */
  readonly classes?: readonly string[];
}

/** The phase-1 and phase-2 families of `system` over the header's `nodes` (not for `classes`). */
export function familiesOf(
  system: QuorumSystem,
  nodes: readonly string[],
): { q1: QuorumFamily; q2: QuorumFamily } {
  switch (system.kind) {
    case 'majority': {
      const f = majorityOf(system.members ?? nodes);
      return { q1: f, q2: f };
    }
    case 'threshold': {
      const members = system.members ?? nodes;
      return { q1: anyOf(system.q1, members), q2: anyOf(system.q2, members) };
    }
    case 'explicit': {
      const named = new Set([...system.q1.flat(), ...system.q2.flat()]);
      const members = [
        ...nodes.filter((n) => named.has(n)),
        ...[...named].filter((n) => !nodes.includes(n)).sort(),
      ];
      return { q1: explicitOf(system.q1, members), q2: explicitOf(system.q2, members) };
    }
    case 'weighted': {
      const keys = Object.keys(system.weights);
      const members = [
        ...nodes.filter((n) => keys.includes(n)),
        ...keys.filter((k) => !nodes.includes(k)).sort(),
      ];
      return {
        q1: weightedOf(system.q1, system.weights, members),
        q2: weightedOf(system.q2, system.weights, members),
      };
    }
    case 'grid': {
      const members = system.members ?? nodes;
      return {
        q1: gridOf(system.rows, system.cols, members, 'q1'),
        q2: gridOf(system.rows, system.cols, members, 'q2'),
      };
    }
    case 'classes':
      throw new QuorumError('a classes system has one pair of families per class: ask for each class');
    default:
      throw new QuorumError(`quorum system ${JSON.stringify(system.kind)} is implementation-specific`);
  }
}

/** Builds the predicates for `system` over the header's `nodes`; throws {@link QuorumError}. */
export function quorumsOf(system: QuorumSystem, nodes: readonly string[]): Quorums {
  if (system.kind === 'classes') return classesOf(system.classes, nodes);
  const { q1, q2 } = familiesOf(system, nodes);
  return {
    describe: describeSystem(system, q1.members),
    members: q1.members,
    isQ1: (it) => q1.has(it),
    isQ2: (it) => q2.has(it),
    minQ2: minSize(q2),
  };
}

function classesOf(classes: Readonly<Record<string, QuorumSystem>>, nodes: readonly string[]): Quorums {
  // Sorted: the order of a JSON object's keys must not change a description or a verdict.
  const names = Object.keys(classes).sort();
  if (names.length === 0) throw new QuorumError('a classes quorum system needs at least one class');
  const byClass = new Map<string, Quorums>();
  for (const name of names) {
    const sub = classes[name]!;
    if (sub.kind === 'classes') throw new QuorumError(`class ${name}: a classes system cannot nest another`);
    byClass.set(name, quorumsOf(sub, nodes));
  }
  const all = [...byClass.values()];
  const members = [...new Set(all.flatMap((q) => q.members))];
  return {
    describe: `classes ${names.join(', ')}`,
    members,
    isQ1: (it) => {
      const set = [...it];
      return all.every((q) => q.isQ1(set));
    },
    isQ2: (it, cls) => {
      const known = cls === undefined ? undefined : byClass.get(cls);
      if (known !== undefined) return known.isQ2(it);
      const set = [...it];
      return cls === undefined ? all.some((q) => q.isQ2(set)) : all.every((q) => q.isQ2(set));
    },
    minQ2: Math.min(...all.map((q) => q.minQ2)),
    classes: names,
  };
}

/** The descriptions the conformance reports have always used. */
function describeSystem(system: QuorumSystem, members: readonly string[]): string {
  switch (system.kind) {
    case 'majority':
      return `majority of ${members.length}`;
    case 'threshold':
      return `threshold q1=${system.q1} q2=${system.q2} of ${members.length}`;
    case 'explicit':
      return `explicit (${system.q1.length} phase-1, ${system.q2.length} phase-2 quorums)`;
    case 'weighted':
      return `weighted q1=${system.q1} q2=${system.q2}`;
    case 'grid':
      return `grid ${system.rows}x${system.cols}`;
    case 'classes':
    default:
      return system.kind;
  }
}

/** The fewest members a quorum of `f` can have. */
function minSize(f: QuorumFamily): number {
  if (f instanceof ShapedFamily) {
    const s = f.shape;
    switch (s.kind) {
      case 'count':
        return s.need;
      case 'weighted': {
        const heaviest = [...s.weights].sort((a, b) => b - a);
        let k = 0;
        for (let acc = 0; acc < s.need && k < heaviest.length; k++) acc += heaviest[k]!;
        return k;
      }
      case 'grid':
      case 'explicit':
        break;
    }
  }
  return Math.min(...f.minimal().map((q) => q.length));
}

/**
 * The JSON a trace header carries for `q1` and `q2`: `majority`, `threshold`, `grid` or `weighted`
 * when both sides are that kind over the same members, otherwise `explicit` lists of the minimal
 * quorums (which may throw {@link QuorumError} when there are too many). `members` is left out when
 * it equals `nodes` (the header's nodes).
 */
export function toQuorumSystem(q1: QuorumFamily, q2: QuorumFamily, nodes?: readonly string[]): QuorumSystem {
  const members = [...q1.members];
  const same = q1.members.length === q2.members.length && q1.members.every((m, i) => q2.members[i] === m);
  const omit =
    nodes !== undefined && nodes.length === members.length && nodes.every((n, i) => members[i] === n);
  const withMembers = omit ? {} : { members };
  if (same && q1 instanceof ShapedFamily && q2 instanceof ShapedFamily) {
    const a = q1.shape;
    const b = q2.shape;
    if (a.kind === 'count' && b.kind === 'count') {
      const majority = Math.floor(members.length / 2) + 1;
      return a.need === majority && b.need === majority
        ? { kind: 'majority', ...withMembers }
        : { kind: 'threshold', q1: a.need, q2: b.need, ...withMembers };
    }
    if (
      a.kind === 'grid' &&
      b.kind === 'grid' &&
      a.axis === 'rows' &&
      b.axis === 'cols' &&
      a.rows === b.rows &&
      a.cols === b.cols &&
      a.rows * a.cols === members.length
    ) {
      return { kind: 'grid', rows: a.rows, cols: a.cols, ...withMembers };
    }
    if (a.kind === 'weighted' && b.kind === 'weighted' && a.weights.every((w, i) => b.weights[i] === w)) {
      const weights: Record<string, number> = {};
      members.forEach((m, i) => (weights[m] = a.weights[i]!));
      return { kind: 'weighted', weights, q1: a.need, q2: b.need };
    }
  }
  return { kind: 'explicit', q1: q1.minimal(), q2: q2.minimal() };
}
