// Public entry of synod/spec: the executable specs, and the registry the CLI reads.
export * from './paxos/index.js';
export * from './adaptive/index.js';
export * from './pbft/index.js';
export { findSpec, specs } from './registry.js';
export type { ShippedSpec, SpecConstant, SpecTextConstant, SpecVariant } from './registry.js';
export { scaffoldModel } from './scaffold.js';
export type { ScaffoldFailure, ScaffoldOptions, ScaffoldResult } from './scaffold.js';
