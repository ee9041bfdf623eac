// Public entry of synod/conformance: check traces from any implementation (safety invariants,
// metrics, thresholds) and render the result as terminal text, JSON, JUnit XML, Markdown or HTML.

export { conform, expandTraceInputs, loadThresholds, ConformInputError } from './conform.js';
export type { ConformOptions, ConformProgress } from './conform.js';
export { VERDICT_EXIT, VERDICT_RANK } from './types.js';
export type * from './types.js';
export { quorumsOf, QuorumError } from './quorum.js';
export type { Quorums } from './quorum.js';
export { opsIn, commandsIn, canonicalJson } from './commands.js';
export { createPaxosSafety, PAXOS_INVARIANTS } from './safety/paxos.js';
export type { PaxosInvariant, PaxosSafetyOptions } from './safety/paxos.js';
export { createPbftSafety, PBFT_INVARIANTS } from './safety/pbft.js';
export type { PbftInvariant, PbftSafety, PbftSafetyOptions } from './safety/pbft.js';
export { NULL_REQUEST, digestOf, isNullRequest, primaryOf } from './pbftMessages.js';
export { createMetrics, METRICS, METRIC_NAMES, isMetricName } from './metrics/index.js';
export type { MetricsOptions, MetricName, MetricSpec } from './metrics/index.js';
export { parseThresholds, applyThresholds, ThresholdsError } from './thresholds.js';
export type { Thresholds, Threshold, ThresholdStat, ThresholdOp } from './thresholds.js';
export { createTimeline, TIMELINE_KIND } from './timeline.js';
export { renderHtml, renderJson, renderJunit, renderMarkdown, renderTerminal } from './reports/index.js';
