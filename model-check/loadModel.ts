// Loading a user's model from a module file (TypeScript through tsx, JavaScript natively): the
// export that is a Model, or a function from constants to a Model, with the constants the module
// declares validated. Failures are values with a kind, so the CLI can pick the exit code.

import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  checkConstantsSpec,
  validateConstants,
  type ConstantsSpec,
  type ConstantValues,
} from './constants.js';
import type { Model } from './Model.js';

/** A model of any state and action type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any>;

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The export to use. Default: `default`. */
  exportName?: string;
  /** Constant values (e.g. from `--const k=v`), validated against the module's `constants`. */
  constants?: ConstantValues;
}

/** A model loaded from a file. */
export interface LoadedModel {
  ok: true;
  model: AnyModel;
  /** The absolute path loaded. */
  file: string;
  /** The constants passed to the model's factory, defaults filled in (empty for a plain Model). */
  constants: ConstantValues;
  /** What the module declares with `export const constants`, if anything. */
  declared: ConstantsSpec | undefined;
}

/** Why a model could not be loaded. `threw` is the user's code failing (exit 75); the rest are bad input. */
export interface LoadModelFailure {
  ok: false;
  kind: 'not-found' | 'unsupported' | 'threw' | 'no-export' | 'not-a-model' | 'constants';
  message: string;
  /** Each constant problem, for `kind: 'constants'`. */
  problems?: string[];
  /** What the module threw, for `kind: 'threw'`. */
  error?: unknown;
}

const TS = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JS = new Set(['.js', '.mjs', '.cjs']);

/** True when `target` names a module file rather than a shipped spec. */
export function looksLikeModelFile(target: string): boolean {
  const ext = extname(target);
  return TS.has(ext) || JS.has(ext) || target.includes('/') || target.includes('\\');
}

/** Problems that keep `value` from being a Model (empty when it is one). */
export function modelShapeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['it is not an object'];
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const f of ['init', 'actions', 'next']) {
    if (typeof m[f] !== 'function') problems.push(`${f} is not a function`);
  }
  if (!Array.isArray(m['properties'])) problems.push('properties is not an array');
  else {
    (m['properties'] as unknown[]).forEach((p, i) => {
      const q = p as Record<string, unknown> | null;
      if (
        q === null ||
        typeof q !== 'object' ||
        typeof q['name'] !== 'string' ||
        typeof q['holds'] !== 'function'
      ) {
        problems.push(`properties[${i}] is not a property (use always(name, fn) or sometimes(name, fn))`);
      } else if (q['kind'] !== 'always' && q['kind'] !== 'sometimes') {
        problems.push(
          `properties[${i}] (${String(q['name'])}) has kind ${JSON.stringify(q['kind'])}, not always or sometimes`,
        );
      }
    });
  }
  return problems;
}

function isModel(value: unknown): value is AnyModel {
  return modelShapeProblems(value).length === 0;
}

/** A TypeScript file loaded by tsx as CommonJS arrives wrapped: its exports sit under `default`. */
function exportsOf(ns: Record<string, unknown>): Record<string, unknown> {
  const d = ns['default'];
  if (
    d !== null &&
    typeof d === 'object' &&
    !isModel(d) &&
    ('default' in d || '__esModule' in d) &&
    Object.keys(ns).every((k) => k === 'default' || k === 'module.exports' || k in d)
  ) {
    return d;
  }
  return ns;
}

/**
 * Load the model exported by `file`: a Model, or a function from constants to a Model. Constants
 * are validated against the module's `export const constants` declaration when there is one.
 */
export async function loadModel(
  file: string,
  options: LoadModelOptions = {},
): Promise<LoadedModel | LoadModelFailure> {
  const path = resolve(file);
  const exportName = options.exportName ?? 'default';
  const given = options.constants ?? {};
  if (!existsSync(path) || !statSync(path).isFile()) {
    return { ok: false, kind: 'not-found', message: `no such file: ${file}` };
  }
  const ext = extname(path);
  if (!TS.has(ext) && !JS.has(ext)) {
    return {
      ok: false,
      kind: 'unsupported',
      message: `${file}: a model is a .ts, .mts, .js or .mjs module, not ${ext || 'a file without extension'}`,
    };
  }
  let ns: Record<string, unknown>;
  try {
    if (TS.has(ext)) {
      const { tsImport } = await import('tsx/esm/api');
      ns = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
    } else {
      ns = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    }
  } catch (error) {
    return { ok: false, kind: 'threw', message: `${file} threw while loading`, error };
  }
  const exports = exportsOf(ns);
  const names = Object.keys(exports).filter((k) => k !== 'module.exports' && k !== '__esModule');
  if (!(exportName in exports) || exports[exportName] === undefined) {
    return {
      ok: false,
      kind: 'no-export',
      message: `${file} has no export ${JSON.stringify(exportName)} (exports: ${names.length > 0 ? names.join(', ') : 'none'})`,
    };
  }
  const exported = exports[exportName];
  const declaredRaw = exports['constants'];
  if (declaredRaw !== undefined) {
    const problems = checkConstantsSpec(declaredRaw);
    if (problems.length > 0) {
      return {
        ok: false,
        kind: 'constants',
        message: `${file}: its \`constants\` declaration is malformed`,
        problems,
      };
    }
  }
  const declared = declaredRaw as ConstantsSpec | undefined;

  if (typeof exported !== 'function') {
    if (Object.keys(given).length > 0) {
      return {
        ok: false,
        kind: 'constants',
        message: `${file}: export ${JSON.stringify(exportName)} is a Model, not a function of constants, so it takes no --const`,
        problems: Object.keys(given).map((k) => `unexpected constant ${JSON.stringify(k)}`),
      };
    }
    const problems = modelShapeProblems(exported);
    if (problems.length > 0) {
      return {
        ok: false,
        kind: 'not-a-model',
        message: `${file}: export ${JSON.stringify(exportName)} is not a Model: ${problems.join('; ')}`,
      };
    }
    return { ok: true, model: exported as AnyModel, file: path, constants: {}, declared };
  }

  let values: ConstantValues = given;
  if (declared !== undefined) {
    const v = validateConstants(declared, given);
    if (!v.ok)
      return { ok: false, kind: 'constants', message: `${file}: bad constants`, problems: v.problems };
    values = v.values;
  }
  let built: unknown;
  try {
    built = (exported as (c: ConstantValues) => unknown)(values);
  } catch (error) {
    return {
      ok: false,
      kind: 'threw',
      message: `${file}: ${exportName}(constants) threw while building the model`,
      error,
    };
  }
  const problems = modelShapeProblems(built);
  if (problems.length > 0) {
    return {
      ok: false,
      kind: 'not-a-model',
      message: `${file}: ${exportName}(constants) did not return a Model: ${problems.join('; ')}`,
    };
  }
  return { ok: true, model: built as AnyModel, file: path, constants: values, declared };
}
