// Public entry of the adaptive-quorums spec (Flexible Paxos with a quorum system per ballot).
export { adaptive, fpaxos, majorities, switchingConflicts } from './adaptive.js';
export type {
  AdaptiveAction,
  AdaptiveConstants,
  AdaptiveMessage,
  AdaptiveOptions,
  AdaptiveState,
  AdaptiveValue,
  AdaptiveVariant,
  FPaxosOptions,
  QuorumMode,
} from './adaptive.js';
export { acceptorNames, MODES_NOTATION, parseMode, parseModes, parseQuorums } from './menu.js';
