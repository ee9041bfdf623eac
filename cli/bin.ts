#!/usr/bin/env node
// The `synod` executable: run the CLI on the process's arguments and exit with its code.
import { main } from './main.js';
import { processIo } from './io.js';

process.exitCode = await main(process.argv.slice(2), processIo());
