// `synod trace validate` through the real binary: valid files exit 0, malformed ones 150 with
// file:line:column: code: message, bad arguments 150 with one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, synod } from '../test/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-trace-'));
const example = join(ROOT, 'traces/__fixtures__/paxos-3.ndjson');

describe('synod trace validate', () => {
  it('a valid trace: exit 0 and the event count', () => {
    const r = synod(['trace', 'validate', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ .*paxos-3\.ndjson: 20 events, valid/);
  });

  it('a malformed trace: exit 150, every problem located', () => {
    const lines = readFileSync(example, 'utf8').trimEnd().split('\n');
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, `${lines[0]}\n{"kind":"crash","node":"n9"}\n{"kind":"crash"\n`);
    const r = synod(['trace', 'validate', example, bad]);
    expect(r.code).toBe(150);
    expect(r.stdout).toContain(`${bad}:2`);
    expect(r.stdout).toMatch(/unknown-node/);
    expect(r.stdout).toMatch(/bad\.ndjson:3:16: invalid-json/);
    const j = synod(['trace', 'validate', bad, '--json']);
    const res = JSON.parse(j.stdout) as { files: Array<{ ok: boolean; errors: Array<{ code: string }> }> };
    expect(res.files[0]?.ok).toBe(false);
    expect(res.files[0]?.errors.map((e) => e.code)).toEqual(['unknown-node', 'invalid-json']);
  });

  it.each([
    [['trace'], /which subcommand\?/],
    [['trace', 'check', example], /unknown subcommand "check"/],
    [['trace', 'validate'], /which trace\?/],
  ])('bad arguments %j: exit 150, one line', (args, message) => {
    const r = synod(args);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(message);
  });
});
