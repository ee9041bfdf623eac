// Quorum systems moved to their own room, quorums/: this re-export keeps conformance's imports.
export { quorumsOf, QuorumError, type Quorums } from '../quorums/index.js';
