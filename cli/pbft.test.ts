// `synod simulate pbft` through the real binary: the command (Byzantine replicas within a
// run that stays safe), the trace it writes (valid, adversarial messages marked, public keys in the
// header) and what `synod conform` says of it; the f+1 run that breaks agreement (exit 10 from the
// simulator and from `synod conform`, with the two conflicting decide lines); and bad --byzantine.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../impl/pbft/crypto.js';
import { validateTrace } from '../traces/index.js';
import { synod } from '../test/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-pbft-'));

interface Line {
  kind: string;
  node?: string;
  id?: number;
  adversarial?: boolean;
  slot?: number;
  params?: Record<string, unknown>;
  nodes?: string[];
}
const lines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('synod simulate pbft', () => {
  it('lists pbft and --byzantine in --help', () => {
    const r = synod(['simulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}pbft {9}PBFT/m);
    expect(r.stdout).toMatch(/--byzantine SPEC/);
    expect(r.stdout).toMatch(/synod simulate pbft --replicas 4 --byzantine "r1:equivocate,r3:forge"/);
  });

  it("the issue's command: exit 0, a valid trace with marked adversarial messages, and conform agrees", async () => {
    const out = join(dir, 'pbft.ndjson');
    const r = synod([
      'simulate',
      'pbft',
      '--replicas',
      '4',
      '--byzantine',
      'r1:equivocate,r3:forge',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    // Two faulty replicas of 4 is more than f = 1: allowed, with a warning.
    expect(r.stderr).toMatch(
      /^warning: 2 Byzantine replicas of 4 but f = 1: safety is not guaranteed beyond f faulty replicas$/m,
    );
    expect(r.stdout).toMatch(/\[4 replicas, seed 3, 1min virtual\]/);
    expect(r.stdout).toMatch(/no two nodes decided differently/);
    expect(r.stdout).toMatch(/requests complete {2}[\d,]+ \(2 matching replies each\)/);
    expect(r.stdout).toMatch(/view changes {7}\d+/);
    expect(r.stdout).toMatch(/adversarial sent {3}[1-9][\d,]* messages/);
    expect(r.stdout).toMatch(/signatures {9}[1-9]/);
    expect(r.stdout).toMatch(/verifications {6}[1-9][\d,]* \([\d,]+ computed/);
    const v = await validateTrace(out);
    expect(v.ok).toBe(true);

    const ls = lines(out);
    const header = ls[0]!;
    expect(header.nodes).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(header.params).toMatchObject({
      f: 1,
      checkpointInterval: 8,
      byzantine: { r1: { kind: 'equivocate' }, r3: { kind: 'forge' } },
    });
    const keys = header.params!['publicKeys'] as Record<string, string>;
    for (const r of ['r1', 'r2', 'r3', 'r4']) expect(keys[r]).toBe(publicKeyOf(0, r));
    // Adversarial sends come from the Byzantine replicas only, and each one's receives are marked too.
    const advSent = new Set<number>();
    for (const e of ls)
      if (e.kind === 'send' && e.adversarial === true) {
        expect(['r1', 'r3']).toContain(e.node);
        advSent.add(e.id!);
      }
    expect(advSent.size).toBeGreaterThan(0);
    for (const e of ls)
      if (e.kind === 'recv') expect(e.adversarial === true, `recv of ${e.id}`).toBe(advSent.has(e.id!));

    const c = synod(['conform', out, '--json']);
    expect(c.code, c.stdout.slice(0, 2000)).toBe(0);
    const report = JSON.parse(c.stdout) as {
      verdict: string;
      traces: { invariants: { name: string; status: string }[] }[];
    };
    expect(report.verdict).toBe('conforms');
    expect(report.traces[0]!.invariants.find((i) => i.name === 'agreement')?.status).toBe('holds');
  });

  it('the same seed writes the same trace', () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const args = ['simulate', 'pbft', '--byzantine', 'r2:replay', '--seed', '5', '--duration', '3s'];
    expect(synod([...args, '--out', a, '--quiet']).code).toBe(0);
    expect(synod([...args, '--out', b, '--quiet']).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('f+1 colluding replicas break agreement: simulate exits 10, conform exits 10 naming both decides', async () => {
    const out = join(dir, 'broken.ndjson');
    const r = synod([
      'simulate',
      'pbft',
      '--replicas',
      '4',
      '--byzantine',
      'r1:equivocate,r2:collude',
      '--seed',
      '1',
      '--out',
      out,
    ]);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(/warning: 2 Byzantine replicas of 4 but f = 1/);
    // The primary cannot make a request up (clients sign them): it equivocates at seq 2 (slot 1)
    // with the real request it pre-prepared at seq 1, so r4 executes client 0's op 1 again there.
    expect(r.stdout).toMatch(/safety violation.*slot 1/);
    expect(r.stdout).toMatch(/r4 decided .*"csig":"[^"]+","op":1,"client":0\}/);
    expect(r.stdout).toMatch(/r3 decided .*"csig":"[^"]+","op":5,"client":4\}/);
    expect((await validateTrace(out)).ok).toBe(true);

    const ls = lines(out);
    const decides = ls
      .map((e, i) => ({ e, line: i + 1 }))
      .filter(({ e }) => e.kind === 'decide' && e.slot === 1)
      .map(({ line }) => line);
    // The run stops at the first conflicting decision: r4's and r3's at slot 1 (r4 may have
    // decided later slots of its own before r3 decided slot 1).
    expect(decides.length).toBe(2);
    expect(ls.filter((e) => e.kind === 'decide').at(-1)).toMatchObject({ node: 'r3', slot: 1 });

    const c = synod(['conform', out]);
    expect(c.code).toBe(10);
    expect(c.stdout).toMatch(/✗ violated {2}agreement/);
    const section = c.stdout.slice(c.stdout.indexOf('Violation: agreement'));
    expect(section).toMatch(/r4 and r3 executed different requests at seq 2/);
    for (const line of decides) expect(section).toMatch(new RegExp(`line +${line} +decide`));

    const j = synod(['conform', out, '--json']);
    expect(j.code).toBe(10);
    expect(j.stdout).toMatch(/"agreement"/);
  });

  it.each([
    ['an unknown replica', 'r5:forge', /--byzantine: unknown replica "r5" \(replicas: r1, r2, r3, r4\)/],
    [
      'an unknown behaviour',
      'r1:lie',
      /--byzantine: unknown behaviour "lie" for r1 \(known: equivocate, forge, replay/,
    ],
  ])('exits 150 on --byzantine with %s, in one line', (_what, spec, message) => {
    const r = synod(['simulate', 'pbft', '--byzantine', spec, '--seed', '1']);
    expect(r.code).toBe(150);
    // One line of error (the second is the usual pointer to --help).
    const [first, ...rest] = r.stderr.trim().split('\n');
    expect(first).toMatch(/^error \[E_ARG_VALUE\] /);
    expect(first).toMatch(message);
    expect(rest).toEqual(['(see synod simulate --help)']);
  });

  it('refuses --byzantine for a protocol without Byzantine replicas', () => {
    const r = synod(['simulate', 'multipaxos', '--byzantine', 'r1:forge', '--seed', '1']);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/multipaxos has no Byzantine replicas/);
  });
});
