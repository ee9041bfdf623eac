// Public entry of the Paxos spec.
export { paxos, subsetsOfSize } from './paxos.js';
export type {
  Message,
  PaxosAction,
  PaxosConstants,
  PaxosOptions,
  PaxosState,
  PaxosVariant,
  Value,
} from './paxos.js';
