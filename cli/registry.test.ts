// The registry lists every command file, under the command's own name and summary (commands are
// loaded only when they run, so the list and the files must agree).
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { COMMANDS } from './registry.js';

describe('the command registry', () => {
  test('each entry loads the command of its name, with its summary; every command file is listed', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
    }
    const files = readdirSync(new URL('./commands/', import.meta.url))
      .filter((f) => /\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(files.sort());
  });
});
