// Public entry of the simulator: run NodeBehaviors in virtual time with faults, and explore seeds
// with shrinking of failing fault schedules.

export { simulate, nodeNames, DEFAULT_LATENCY, DEFAULT_WORKLOAD } from './Simulator.js';
export type {
  ClientOp,
  HandlerError,
  KvRequest,
  NetworkOptions,
  SafetyViolation,
  SimulationHooks,
  SimulationOptions,
  SimulationProgress,
  SimulationResult,
  SimulationStats,
  TraceSink,
  WorkloadOptions,
} from './Simulator.js';
export { explore, faultScheduleArbitrary } from './explore.js';
export type { ExploreFailure, ExploreFaultKind, ExploreOptions, ExploreResult } from './explore.js';
export {
  FAULT_KINDS,
  ScenarioError,
  loadScenario,
  parseScenario,
  parseScenarioText,
  scenarioToJson,
} from './scenario.js';
export type { Fault, Scenario } from './scenario.js';
export { parseLatency, formatLatency, meanLatency, LATENCY_HELP } from './latency.js';
export type { Latency } from './latency.js';
export { parseDuration, formatDuration, humanDuration, DURATION_HELP } from './duration.js';
export { Prng } from './prng.js';
export { canonicalJson } from './canonical.js';
