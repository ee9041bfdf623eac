// Public entry of synod/model-check: the Model contract, the search, its stores and values.

export { always, sometimes } from './Model.js';
export type { Model, Property, PropertyKind } from './Model.js';
export { check, StateMutationError } from './check.js';
export type {
  CheckDeadlock,
  CheckError,
  CheckHooks,
  CheckOk,
  CheckOptions,
  CheckProgress,
  CheckResult,
  CheckStats,
  CheckViolation,
  Strategy,
  Witness,
} from './check.js';
export { replay, sameState } from './replay.js';
export type { Path, ReplayResult, Step } from './replay.js';
export { fingerprint, fingerprintHex, fingerprintInto, structuralHash } from './fingerprint.js';
export type { Fingerprint, StructuralHash, StructurallyHashed } from './fingerprint.js';
export { FiniteSet, Universe } from './FiniteSet.js';
export { SeenSet } from './SeenSet.js';
export { Frontier } from './Frontier.js';
export { PredecessorStore } from './PredecessorStore.js';
export { diffStates } from './diff.js';
export type { Change } from './diff.js';
export { parseTlcDuration, parseTlcOutput, runTlc } from './tlc.js';
export type {
  TlcErrorKind,
  TlcReport,
  TlcRun,
  TlcRunOptions,
  TlcStatus,
  TlcStep,
  TlcViolationKind,
} from './tlc.js';
export { loadModel, looksLikeModelFile, modelShapeProblems } from './loadModel.js';
export type { AnyModel, LoadedModel, LoadModelFailure, LoadModelOptions } from './loadModel.js';
export { checkConstantsSpec, describeConstant, parseConstantValue, validateConstants } from './constants.js';
export type { ConstantSpec, ConstantsSpec, ConstantValues } from './constants.js';
export { isLintableFile, lintModel, lintRules } from './lint.js';
export type { LintFinding, LintOptions, LintResult, LintRuleId, LintRuleInfo, LintSeverity } from './lint.js';
