// The shipped specs as data: name, constants with their CLI flags and ranges, variants, and a
// builder. The CLI derives `synod check <spec>` flags and help from this table.

import type { AnyModel } from '../model-check/index.js';
import { paxos, type PaxosVariant } from './paxos/index.js';

/** A numeric constant of a shipped spec. */
export interface SpecConstant {
  /** Name in code and reports, e.g. `maxBallot`. */
  readonly name: string;
  /** Command-line flag, e.g. `--max-ballot`. */
  readonly flag: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** A variant of a spec: `correct`, or a known-bad one the checker must refute. */
export interface SpecVariant {
  readonly name: string;
  readonly description: string;
}

/** A spec shipped with synod. */
export interface ShippedSpec {
  readonly name: string;
  readonly summary: string;
  /** Where its TLA+ twin lives, relative to the package root. */
  readonly tla: string;
  readonly constants: readonly SpecConstant[];
  /** The first variant is the default. */
  readonly variants: readonly SpecVariant[];
  build(constants: Readonly<Record<string, number>>, variant: string): AnyModel;
  /** What `synod init --from <name>` needs: the source file and its model factory. */
  readonly scaffold: {
    /** The spec's source, relative to the package root. */
    readonly source: string;
    /** The exported factory that takes the constants (plus `variant`) and returns the Model. */
    readonly factory: string;
    /** The type of its `variant` option, exported by the source. */
    readonly variantType: string;
    /** Constants for the generated test, small enough to run in a second. */
    readonly testConstants: Readonly<Record<string, number>>;
  };
}

const paxosSpec: ShippedSpec = {
  name: 'paxos',
  summary: "single-decree Paxos (Lamport's Paxos.tla): Agreement over all interleavings",
  tla: 'tla/Paxos.tla',
  constants: [
    {
      name: 'acceptors',
      flag: '--acceptors',
      description: 'number of acceptors',
      min: 1,
      max: 9,
      default: 3,
    },
    {
      name: 'values',
      flag: '--values',
      description: 'number of values that may be proposed',
      min: 1,
      max: 9,
      default: 2,
    },
    { name: 'maxBallot', flag: '--max-ballot', description: 'ballots are 0..N', min: 0, max: 9, default: 1 },
  ],
  variants: [
    { name: 'correct', description: 'the algorithm as published' },
    {
      name: 'ignore-promises',
      description: 'known-bad: Phase2a ignores the votes reported in 1b messages and may propose any value',
    },
  ],
  scaffold: {
    source: 'spec/paxos/paxos.ts',
    factory: 'paxos',
    variantType: 'PaxosVariant',
    testConstants: { acceptors: 3, values: 2, maxBallot: 1 },
  },
  build: (c, variant) =>
    paxos({
      acceptors: c['acceptors'] ?? 3,
      values: c['values'] ?? 2,
      maxBallot: c['maxBallot'] ?? 1,
      variant: variant as PaxosVariant,
    }),
};

/** Every shipped spec. */
export const specs: readonly ShippedSpec[] = [paxosSpec];

/** The shipped spec called `name`, or undefined. */
export function findSpec(name: string): ShippedSpec | undefined {
  return specs.find((s) => s.name === name);
}
