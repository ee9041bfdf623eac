// The shipped specs as data: name, constants with their CLI flags and ranges, variants, and a
// builder. The CLI derives `synod check <spec>` flags and help from this table.

import type { AnyModel } from '../model-check/index.js';
import { QUORUM_NOTATION, QuorumError } from '../quorums/index.js';
import { adaptive, MODES_NOTATION, parseMode, parseModes, type AdaptiveVariant } from './adaptive/index.js';
import { paxos, type PaxosVariant } from './paxos/index.js';
import { pbftSpecEntry } from './pbft/index.js';

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

/**
 * A constant given as text, such as a quorum system (`--q1 "a1|a2"`). The spec's builder parses
 * it and throws a RangeError with a sentence naming the flag when it is malformed.
 */
export interface SpecTextConstant {
  /** Name in code and reports, e.g. `q1`. */
  readonly name: string;
  /** Command-line flag, e.g. `--q1`. */
  readonly flag: string;
  /** What the value looks like in help, e.g. `QUORUMS`. */
  readonly placeholder: string;
  readonly description: string;
  /** The value used when the flag is not given; none: the constant is simply absent. */
  readonly default?: string;
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
  /** Constants given as text (quorum systems), if any. */
  readonly textConstants?: readonly SpecTextConstant[];
  /** Lines for `--help` after the flags, e.g. the grammar of a text constant. */
  readonly notes?: readonly string[];
  /** The first variant is the default. */
  readonly variants: readonly SpecVariant[];
  /**
   * The model for these constants. `text` holds the text constants that were given (by name);
   * absent ones take their default. Throws a RangeError with a sentence for bad constants.
   */
  build(
    constants: Readonly<Record<string, number>>,
    variant: string,
    text?: Readonly<Record<string, string>>,
  ): AnyModel;
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

// Constants the single-decree specs share.
const VALUES: SpecConstant = {
  name: 'values',
  flag: '--values',
  description: 'number of values that may be proposed',
  min: 1,
  max: 9,
  default: 2,
};
const MAX_BALLOT: SpecConstant = {
  name: 'maxBallot',
  flag: '--max-ballot',
  description: 'ballots are 0..N',
  min: 0,
  max: 9,
  default: 1,
};

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
    VALUES,
    MAX_BALLOT,
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

/** The menu of the adaptive spec from its text constants (`--modes`, or one mode from `--q1`/`--q2`). */
function adaptiveMenu(acceptors: number, text: Readonly<Record<string, string>>) {
  const { modes, q1, q2 } = text;
  try {
    if (modes !== undefined) {
      if (q1 !== undefined || q2 !== undefined) {
        throw new RangeError('give either --modes or --q1/--q2, not both (--modes lists every Q1 and Q2)');
      }
      return parseModes(modes, acceptors);
    }
    return [parseMode('fpaxos', q1 ?? 'majority', q2 ?? 'majority', acceptors)];
  } catch (e) {
    if (!(e instanceof QuorumError)) throw e;
    // parseMode says which phase ("Q1: ..."); name the flag the user typed.
    const flag = modes !== undefined ? '--modes' : e.message.startsWith('Q1:') ? '--q1' : '--q2';
    const message = modes !== undefined ? e.message : e.message.replace(/^Q[12]: /, '');
    throw new RangeError(`${flag}: ${message}`, { cause: e });
  }
}

const quorumHelp = QUORUM_NOTATION.split('\n').map((l) => `  ${l}`);

const adaptiveSpec: ShippedSpec = {
  name: 'adaptive',
  summary:
    'single-decree Flexible Paxos over any quorum systems, the system chosen per ballot from a menu of modes',
  tla: 'tla/AdaptiveQuorums.tla',
  constants: [
    {
      name: 'acceptors',
      flag: '--acceptors',
      description: 'number of acceptors, named a1..aN',
      min: 1,
      max: 9,
      default: 3,
    },
    VALUES,
    MAX_BALLOT,
  ],
  textConstants: [
    {
      name: 'q1',
      flag: '--q1',
      placeholder: 'QUORUMS',
      description: 'phase-1 quorums of the one quorum system',
      default: 'majority',
    },
    {
      name: 'q2',
      flag: '--q2',
      placeholder: 'QUORUMS',
      description: 'phase-2 quorums of the one quorum system',
      default: 'majority',
    },
    {
      name: 'modes',
      flag: '--modes',
      placeholder: 'MENU',
      description: 'a menu of quorum systems, one picked per ballot (instead of --q1/--q2)',
    },
  ],
  notes: [
    'QUORUMS (acceptors are a1..aN):',
    ...quorumHelp,
    'MENU:',
    `  ${MODES_NOTATION}`,
    '  e.g. "routine=all/1;critical=1/all"; each mode must be a Flexible Paxos system (its Q1 meets its Q2)',
  ],
  variants: [
    {
      name: 'correct',
      description:
        "a ballot's phase-1 quorum meets every phase-2 quorum of every mode (the safe switching rule)",
    },
    {
      name: 'own-pair',
      description:
        "known-bad: a ballot's phase-1 quorum need only meet its own mode's phase-2 quorums; switching breaks Agreement",
    },
  ],
  scaffold: {
    source: 'spec/adaptive/adaptive.ts',
    factory: 'adaptive',
    variantType: 'AdaptiveVariant',
    testConstants: { acceptors: 3, values: 2, maxBallot: 1 },
  },
  build: (c, variant, text = {}) => {
    const acceptors = c['acceptors'] ?? 3;
    return adaptive({
      acceptors,
      values: c['values'] ?? 2,
      maxBallot: c['maxBallot'] ?? 1,
      modes: adaptiveMenu(acceptors, text),
      variant: variant as AdaptiveVariant,
    });
  },
};

/** Every shipped spec. */
export const specs: readonly ShippedSpec[] = [paxosSpec, adaptiveSpec, pbftSpecEntry];

/** The shipped spec called `name`, or undefined. */
export function findSpec(name: string): ShippedSpec | undefined {
  return specs.find((s) => s.name === name);
}
