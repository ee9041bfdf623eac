// Public entry of synod/impl: the node contract and the reference protocol nodes (Paxos,
// Multi-Paxos with its key-value store, adaptive Multi-Paxos, PBFT with its Byzantine wrappers)
// with their typed parameters. The simulator adds its own exports here.

export type { ClientRequest, Effect, NodeBehavior, NodeConfig, NodeId, Step } from './Node.js';
export { noEffects } from './Node.js';
export { compareBallots, type Ballot } from './paxos/ballot.js';
export {
  PAXOS_PARAMS,
  paxosNode,
  type PaxosMessage,
  type PaxosParams,
  type PaxosRequest,
  type PaxosState,
  type PaxosVote,
} from './paxos/PaxosNode.js';
export {
  MULTIPAXOS_PARAMS,
  multiPaxosNode,
  type Batch,
  type MultiPaxosMessage,
  type MultiPaxosParams,
  type MultiPaxosState,
  type SlotVote,
} from './multipaxos/MultiPaxosNode.js';
export {
  ADAPTIVE_PARAMS,
  adaptiveNode,
  batchClass,
  classesSystem,
  CRITICALITY_CLASSES,
  type AdaptiveExt,
  type AdaptiveParams,
  type AdaptiveState,
  type Criticality,
  type ReconfigCommand,
} from './adaptive/AdaptiveNode.js';
export {
  multiPaxosVariant,
  type MultiPaxosHooks,
  type MultiPaxosVariant,
} from './multipaxos/MultiPaxosNode.js';
export { applyKv, type KvCommand, type KvRequest, type KvResult, type KvStore } from './multipaxos/kv.js';
export * as pbft from './pbft/index.js';
export {
  pbftByzantineNode,
  pbftNode,
  PBFT_PARAMS,
  parseByzantine,
  ReplyCollector,
  type ByzantineAssignment,
  type ByzantineKind,
  type PbftMessage,
  type PbftParams,
  type PbftState,
} from './pbft/index.js';
export {
  PROTOCOL_NAMES,
  parseProtocolParams,
  protocolEntry,
  protocols,
  type ParamSpec,
  type ParamSpecs,
  type ParsedParams,
  type ProtocolEntry,
  type ProtocolName,
} from './protocols.js';
