// Quick measurements (not a test): Ed25519 signatures and verifications per second on this
// machine, and simulated requests per second through the PBFT test driver at n = 4 and n = 7.
// Run: npx tsx impl/pbft/scripts/measure.ts

import { Driver } from '../__test-helpers__/driver.js';
import { clearVerifyCache, signText, verifyStats, verifyText } from '../crypto.js';
import { pbftNode, type PbftState } from '../PbftNode.js';

function rate(label: string, count: number, fn: (i: number) => void): void {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) fn(i);
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(`${label}: ${Math.round(count / s).toLocaleString('en-US')}/s\n`);
}

const text = JSON.stringify({ type: 'prepare', view: 0, seq: 1, digest: 'a'.repeat(64), replica: 'n2' });
signText(0, 'n2', text); // derive the key once
rate('sign (Ed25519)', 20_000, (i) => signText(0, 'n2', text + String(i)));
const sigs = Array.from({ length: 20_000 }, (_, i) => signText(0, 'n2', text + String(i)));
clearVerifyCache();
rate('verify (Ed25519, uncached)', 20_000, (i) => verifyText(0, 'n2', text + String(i), sigs[i]!));
rate('verify (cached)', 20_000, (i) => verifyText(0, 'n2', text + String(i), sigs[i]!));

for (const n of [4, 7]) {
  const nodes = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const ops = 2000;
  clearVerifyCache();
  const before = verifyStats();
  const t0 = performance.now();
  const d = new Driver({ nodes, behavior: pbftNode, seed: 1, f: Math.floor((n - 1) / 3), latency: [1, 5] });
  // A steady load within what one request per seq sustains: 10 requests every 100 virtual ms,
  // to rotating replicas, from 16 clients.
  for (let b = 0; b < ops / 10; b++) {
    d.runUntil(b * 100);
    for (let k = 0; k < 10; k++) {
      const op = b * 10 + k + 1;
      d.request(op, { f: 'write', key: `k${op % 16}`, value: op }, nodes[op % n]!, `c${op % 16}`);
    }
  }
  d.runWhile(() => d.answers.size === ops, 600_000);
  const s = (performance.now() - t0) / 1000;
  const after = verifyStats();
  const views = nodes.map((id) => d.state<PbftState>(id)!.view);
  process.stdout.write(
    `driver n=${n} (final views ${views.join(',')}): ${d.answers.size} requests in ${s.toFixed(2)} s wall = ${Math.round(d.answers.size / s)} req/s; ` +
      `${d.delivered.toLocaleString('en-US')} messages delivered, ${(after.calls - before.calls).toLocaleString('en-US')} verifications ` +
      `(${(after.misses - before.misses).toLocaleString('en-US')} computed, the rest cached)\n`,
  );
}
