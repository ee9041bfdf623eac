// `synod tlc`: placeholder filled in by the TLC runner work.
import type { Command } from '../Command.js';
import { UsageError } from '../errors.js';

export const tlcCommand: Command = {
  name: 'tlc',
  summary: 'run TLC on a TLA+ spec and print its result in synod format',
  help: () => 'Usage: synod tlc <file.tla> [--config file.cfg]\n',
  run: () => Promise.reject(new UsageError('E_TODO', 'not yet', 'tlc')),
};
