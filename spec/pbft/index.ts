// Public entry of the PBFT spec: the model factory, its types, and the registry entry that
// `synod check pbft` reads once it is listed in spec/registry.ts.
import type { ShippedSpec } from '../registry.js';
import { pbft, pbftVariants, type PbftVariant } from './pbft.js';

export { pbft, pbftVariants } from './pbft.js';
export type {
  Message as PbftMessage,
  OEntry,
  PbftAction,
  PbftConstants,
  PbftOptions,
  PbftState,
  PbftVariant,
  Value as PbftValue,
} from './pbft.js';

const descriptions: Record<PbftVariant, string> = {
  correct: 'the algorithm as published (quorums of 2f+1, O built from the prepared certificates)',
  'small-quorums':
    'known-bad: quorums of 2f instead of 2f+1, so a faulty primary gets two requests committed at one slot',
  'ignore-prepared':
    'known-bad: the new primary ignores the prepared certificates in the view-changes and re-proposes freely',
};

/**
 * PBFT as a shipped spec: constants with their CLI flags and ranges, variants (correct first) and
 * a builder. Ready to be listed in `specs` of spec/registry.ts.
 *
 * `--replicas` and `--faulty` are independent and quorums stay 2f+1: n <= 3f+1 is safe, while
 * n >= 3f+2 (e.g. 5 replicas with 1 faulty, or 4 with 0) lets two quorums meet only in faulty
 * replicas, and the checker refutes Agreement or ViewChangeSafety.
 */
export const pbftSpecEntry: ShippedSpec = {
  name: 'pbft',
  summary:
    'PBFT (Castro and Liskov) with f Byzantine replicas, normal case and view change: Agreement, Validity, ViewChangeSafety',
  tla: 'tla/PBFT.tla',
  constants: [
    {
      name: 'replicas',
      flag: '--replicas',
      description: 'number of replicas n, at least 2f+1 (quorums are 2f+1: n >= 3f+2 is unsafe)',
      min: 3,
      max: 7,
      default: 4,
    },
    {
      name: 'faulty',
      flag: '--faulty',
      description: 'number of Byzantine replicas f (r0..r(f-1); r0 is the primary of view 0)',
      min: 0,
      max: 3,
      default: 1,
    },
    { name: 'maxView', flag: '--max-view', description: 'views are 0..N', min: 0, max: 4, default: 1 },
    {
      name: 'maxSeq',
      flag: '--max-seq',
      description:
        'sequence numbers are 1..N (4 replicas, 1 faulty, max-view 1, 2 requests: 16,680 states at 1, 8.1 million at 2)',
      min: 1,
      max: 4,
      default: 1,
    },
    {
      name: 'requests',
      flag: '--requests',
      description: 'number of client requests',
      min: 1,
      max: 4,
      default: 2,
    },
  ],
  variants: pbftVariants.map((name) => ({ name, description: descriptions[name] })),
  scaffold: {
    source: 'spec/pbft/pbft.ts',
    factory: 'pbft',
    variantType: 'PbftVariant',
    testConstants: { replicas: 4, faulty: 1, maxView: 1, maxSeq: 1, requests: 1 },
  },
  build: (c, variant) =>
    pbft({
      replicas: c['replicas'] ?? 4,
      faulty: c['faulty'] ?? 1,
      maxView: c['maxView'] ?? 1,
      maxSeq: c['maxSeq'] ?? 1,
      requests: c['requests'] ?? 2,
      variant: variant as PbftVariant,
    }),
};
