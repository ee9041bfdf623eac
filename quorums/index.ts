// Public entry of synod/quorums: quorum systems as data. Families of quorums (majority, any K,
// explicit, grid, weighted) parsed from a command-line notation, the intersection check with a
// witness, fault tolerance, and the phase-1 / phase-2 predicates of a trace header's system.

export { QuorumError } from './family.js';
export type { QuorumFamily, QuorumRole } from './family.js';
export {
  QUORUM_NOTATION,
  anyOf,
  explicitOf,
  formatQuorumFamily,
  gridOf,
  majorityOf,
  parseQuorumFamily,
  weightedOf,
} from './parse.js';
export { faultTolerance, intersects } from './intersect.js';
export type { Intersection } from './intersect.js';
export { familiesOf, quorumsOf, toQuorumSystem } from './system.js';
export type { Quorums } from './system.js';
