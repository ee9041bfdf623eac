// The commands `synod` knows: each one's name and one-line summary here, the command itself loaded
// only when it runs or shows its help. Each command pulls in its part of the library (the model
// checker, the simulator, the conformance suite): loading them all took ~60 ms of every run.

import type { Command } from './Command.js';

/** A command as `synod --help` lists it, and how to load it. */
export interface CommandEntry {
  readonly name: string;
  /** One line for `synod --help`. */
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every command, in the order `synod --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'check',
    summary: 'model-check a shipped spec (paxos, adaptive) or your own model file over all interleavings',
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  {
    name: 'conform',
    summary: 'check recorded traces for safety, measure liveness and recovery, write reports',
    load: async () => (await import('./commands/conform.js')).conformCommand,
  },
  {
    name: 'init',
    summary: 'scaffold your own model (and a test) from a shipped spec',
    load: async () => (await import('./commands/init.js')).initCommand,
  },
  {
    name: 'lint',
    summary: "check a model's source for nondeterminism, state mutation and unordered iteration",
    load: async () => (await import('./commands/lint.js')).lintCommand,
  },
  {
    name: 'quorums',
    summary: 'check that phase-1 and phase-2 quorums intersect, and their fault tolerance',
    load: async () => (await import('./commands/quorums.js')).quorumsCommand,
  },
  {
    name: 'simulate',
    summary: 'run protocol nodes in the deterministic fault simulator (virtual time, seeded)',
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
  {
    name: 'tlc',
    summary: 'run TLC on a TLA+ spec and print its result in synod format',
    load: async () => (await import('./commands/tlc.js')).tlcCommand,
  },
  {
    name: 'trace',
    summary: 'validate trace files against the synod-trace format',
    load: async () => (await import('./commands/trace.js')).traceCommand,
  },
];

/** The summary of command `name` (the commands take theirs from here: one text for both places). */
export function summaryOf(name: string): string {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) throw new Error(`no command ${name} in the registry`);
  return entry.summary;
}
