#!/usr/bin/env node
// The `synod` executable: run the CLI on the process's arguments and exit with its code.
import { main } from './main.js';
import { processIo } from './io.js';

// A reader that goes away (`synod ... | head`) is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2), processIo());
