// Public entry of the PBFT reference node (impl/pbft): the honest node and its parameters, the
// message types and checks, signatures, the client rule, and the Byzantine wrappers with the
// `--byzantine` notation and the ready scenarios. See README.md for the integration notes.

export {
  PBFT_PARAMS,
  PBFT_TIMERS,
  pbftNode,
  pbftQuorum,
  resolvePbftParams,
  slotOfSeq,
  type PbftParams,
  type PbftState,
  type PendingRequest,
  type SeqEntry,
} from './PbftNode.js';
export {
  checkNewView,
  planNewView,
  primaryOf,
  stateDigest,
  validViewChange,
  wellFormed,
  type CheckpointMsg,
  type ClientRecord,
  type CommitMsg,
  type FetchMsg,
  type NewViewMsg,
  type NewViewPlan,
  type PbftMessage,
  type PbftValue,
  type PrePrepareMsg,
  type PreparedCert,
  type PrepareMsg,
  type RequestMsg,
  type Snapshot,
  type StateMsg,
  type ViewChangeMsg,
} from './messages.js';
export { digestOf, keyPair, publicKeyOf, signMessage, verifyMessage, type KeySeed } from './crypto.js';
export { ReplyCollector, type PbftReply } from './client.js';
export {
  BYZANTINE_DESCRIPTIONS,
  BYZANTINE_KINDS,
  breakSafetyScenario,
  byzantineCluster,
  checkAssignment,
  equivocationWithinBoundScenario,
  isAdversarial,
  parseByzantine,
  pbftByzantineNode,
  toleratedFaults,
  withByzantine,
  type AdversarialEffect,
  type ByzantineAssignment,
  type ByzantineKind,
  type ByzantineMemory,
  type ByzantineSpec,
  type ByzantineState,
  type PbftScenario,
} from './byzantine.js';
export {
  byzantineOf,
  pbftClientRule,
  pbftCounters,
  pbftFigures,
  pbftHeaderParams,
  publicKeyX,
} from './runtime.js';
