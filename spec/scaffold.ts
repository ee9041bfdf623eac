// `synod init`: copy a shipped spec into a user's folder as a standalone model module (importing
// synod/model-check), with a `constants` declaration for `synod check --const` and a vitest file
// that pins the state count, measured now by running the checker on the shipped spec.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { check } from '../model-check/index.js';
import { findSpec, specs, type ShippedSpec } from './registry.js';

/** Options of {@link scaffoldModel}. */
export interface ScaffoldOptions {
  /** The folder to create (or fill). */
  dir: string;
  /** The shipped spec to start from. */
  from: string;
  /** Overwrite existing files. Default: false. */
  force?: boolean;
}

/** What {@link scaffoldModel} wrote. */
export interface ScaffoldResult {
  ok: true;
  /** Absolute paths of the files written. */
  files: string[];
  /** The model file. */
  model: string;
  /** The pinned figures of the generated test. */
  pinned: { constants: Record<string, number>; distinctStates: number; depth: number };
}

/** Why nothing was written. */
export interface ScaffoldFailure {
  ok: false;
  kind: 'unknown-spec' | 'exists';
  message: string;
}

const PACKAGE_ROOT = new URL('../../', import.meta.url);

function modelSource(spec: ShippedSpec): string {
  const original = readFileSync(new URL(spec.scaffold.source, PACKAGE_ROOT), 'utf8');
  const body = original.replace(/from '(\.\.\/)+model-check\/index\.js'/g, "from 'synod/model-check'");
  const decl = spec.constants
    .map(
      (c) =>
        `  ${c.name}: { type: 'integer', min: ${c.min}, max: ${c.max}, default: ${c.default}, description: ${JSON.stringify(c.description)} },`,
    )
    .join('\n');
  const variants = spec.variants.map((v) => `'${v.name}'`).join(', ');
  const fields = spec.constants.map((c) => `${c.name}: number`).join('; ');
  return `// Scaffolded by \`synod init --from ${spec.name}\` from synod's ${spec.scaffold.source}.
// This file is yours: change an action's enabling condition or effect to model your variant,
// then run \`npx synod check\` on it (see the end of this file for the constants it accepts).

${body}
// ---------------------------------------------------------------------------------------------
// What \`synod check ./model.ts --const name=value\` accepts, and the model it checks.

export const constants = {
${decl}
  variant: { type: 'string', oneOf: [${variants}], default: '${spec.variants[0]?.name ?? 'correct'}' },
} as const;

export default function model(c: { ${fields}; variant: string }) {
  return ${spec.scaffold.factory}({ ...c, variant: c.variant as ${spec.scaffold.variantType} });
}
`;
}

function testSource(
  spec: ShippedSpec,
  constants: Record<string, number>,
  distinct: number,
  depth: number,
): string {
  const args = Object.entries(constants)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const title = Object.entries(constants)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `// Scaffolded by \`synod init --from ${spec.name}\`. The figures were measured on the shipped spec:
// when your variant changes the state space, update them (and say why in your commit).
import { check } from 'synod/model-check';
import { expect, test } from 'vitest';
import model from './model.js';

test('${title}: every property holds over ${distinct.toLocaleString('en-US')} states', () => {
  const result = check(model({ ${args}, variant: '${spec.variants[0]?.name ?? 'correct'}' }), { strategy: 'bfs' });
  expect(result.status).toBe('ok');
  expect(result.stats.distinctStates).toBe(${distinct});
  expect(result.stats.depth).toBe(${depth});
});

test('breadth-first and depth-first search agree', () => {
  const c = { ${args}, variant: '${spec.variants[0]?.name ?? 'correct'}' };
  const bfs = check(model(c), { strategy: 'bfs' });
  const dfs = check(model(c), { strategy: 'dfs' });
  expect(dfs.status).toBe(bfs.status);
  // A search stops at its first violation, so the counts compare only when everything holds.
  if (bfs.status === 'ok') expect(dfs.stats.distinctStates).toBe(bfs.stats.distinctStates);
});
`;
}

/**
 * Write `<dir>/model.ts` (the shipped spec as a standalone module) and `<dir>/model.test.ts`
 * (a vitest file pinning its state count). Existing files are kept unless `force`.
 */
export function scaffoldModel(options: ScaffoldOptions): ScaffoldResult | ScaffoldFailure {
  const spec = findSpec(options.from);
  if (spec === undefined) {
    return {
      ok: false,
      kind: 'unknown-spec',
      message: `unknown spec ${JSON.stringify(options.from)} (shipped: ${specs.map((s) => s.name).join(', ')})`,
    };
  }
  const dir = resolve(options.dir);
  const model = join(dir, 'model.ts');
  const test = join(dir, 'model.test.ts');
  const clash = [model, test].filter((f) => existsSync(f));
  if (clash.length > 0 && options.force !== true) {
    return {
      ok: false,
      kind: 'exists',
      message: `${clash.map((f) => relative(process.cwd(), f)).join(' and ')} already exist${clash.length === 1 ? 's' : ''} (use --force to overwrite)`,
    };
  }
  const constants = { ...spec.scaffold.testConstants };
  const measured = check(spec.build(constants, spec.variants[0]?.name ?? 'correct'), { strategy: 'bfs' });
  mkdirSync(dir, { recursive: true });
  writeFileSync(model, modelSource(spec));
  writeFileSync(test, testSource(spec, constants, measured.stats.distinctStates, measured.stats.depth));
  return {
    ok: true,
    files: [model, test],
    model,
    pinned: { constants, distinctStates: measured.stats.distinctStates, depth: measured.stats.depth },
  };
}
