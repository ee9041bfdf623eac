// The synod package root: the model checker and the shipped specs.
export * from './model-check/index.js';
export * from './spec/index.js';
