// Writes traces/schema/synod-trace.schema.json, traces/types.ts and traces/validators.generated.ts
// from traces/schema.ts.
// Usage: npx tsx traces/scripts/generate.ts [--check]   (--check: exit 1 when a file is stale)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  renderSchemaJson,
  renderTypes,
  renderValidators,
  SCHEMA_JSON_URL,
  TYPES_URL,
  VALIDATORS_URL,
} from './codegen.js';

const check = process.argv.includes('--check');
let stale = 0;
for (const [url, text] of [
  [SCHEMA_JSON_URL, await renderSchemaJson()],
  [TYPES_URL, await renderTypes()],
  [VALIDATORS_URL, renderValidators()],
] as const) {
  const path = fileURLToPath(url);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    process.stderr.write(`stale: ${path}\n`);
    stale++;
  } else {
    mkdirSync(fileURLToPath(new URL('.', url)), { recursive: true });
    writeFileSync(path, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
