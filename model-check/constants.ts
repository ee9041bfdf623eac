// Constants of a user model: what a module declares (names, types, ranges, defaults) and the
// validation of values given on the command line (`--const k=v`) against that declaration.

/** The declaration of one constant a model module accepts. */
export type ConstantSpec =
  | {
      readonly type: 'integer' | 'number';
      readonly min?: number;
      readonly max?: number;
      readonly default?: number;
      readonly description?: string;
    }
  | {
      readonly type: 'string';
      readonly oneOf?: readonly string[];
      readonly default?: string;
      readonly description?: string;
    }
  | { readonly type: 'boolean'; readonly default?: boolean; readonly description?: string }
  | { readonly type: 'json'; readonly default?: unknown; readonly description?: string };

/**
 * What a model module declares with `export const constants = { ... }`.
 *
 * @example
 * ```ts
 * export const constants = {
 *   acceptors: { type: 'integer', min: 1, max: 9, default: 3, description: 'number of acceptors' },
 *   variant: { type: 'string', oneOf: ['correct', 'buggy'], default: 'correct' },
 * } satisfies ConstantsSpec;
 * ```
 */
export type ConstantsSpec = Readonly<Record<string, ConstantSpec>>;

/** Values of constants by name. */
export type ConstantValues = Record<string, unknown>;

/** Read a command-line value: a number, `true`/`false`, JSON (objects, arrays, quoted strings), or else a string. */
export function parseConstantValue(raw: string): unknown {
  const t = raw.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** One line describing a constant, for help texts and error messages. */
export function describeConstant(name: string, spec: ConstantSpec): string {
  let range = '';
  if (spec.type === 'integer' || spec.type === 'number') {
    if (spec.min !== undefined && spec.max !== undefined) range = ` ${spec.min}..${spec.max}`;
    else if (spec.min !== undefined) range = ` >= ${spec.min}`;
    else if (spec.max !== undefined) range = ` <= ${spec.max}`;
  } else if (spec.type === 'string' && spec.oneOf !== undefined) {
    range = ` one of ${spec.oneOf.join(' | ')}`;
  }
  const def = spec.default === undefined ? '' : `, default ${JSON.stringify(spec.default)}`;
  const what = spec.description === undefined ? '' : ` — ${spec.description}`;
  return `${name} (${spec.type}${range}${def})${what}`;
}

/**
 * Check `given` against `spec` and fill in defaults.
 * @returns the values, or the list of problems (one sentence each).
 */
export function validateConstants(
  spec: ConstantsSpec,
  given: ConstantValues,
): { ok: true; values: ConstantValues } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const values: ConstantValues = {};
  const accepted = Object.keys(spec);
  for (const name of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(spec, name)) {
      problems.push(
        accepted.length === 0
          ? `unknown constant ${JSON.stringify(name)}: the model declares no constants`
          : `unknown constant ${JSON.stringify(name)} (accepted: ${accepted.join(', ')})`,
      );
    }
  }
  for (const [name, s] of Object.entries(spec)) {
    const has = Object.prototype.hasOwnProperty.call(given, name);
    const v = has ? given[name] : s.default;
    if (v === undefined) {
      problems.push(`missing constant ${describeConstant(name, s)}: pass --const ${name}=...`);
      continue;
    }
    const problem = checkValue(name, s, v);
    if (problem !== undefined) problems.push(problem);
    else values[name] = v;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

function checkValue(name: string, s: ConstantSpec, v: unknown): string | undefined {
  const got = JSON.stringify(v);
  switch (s.type) {
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} must be a number, got ${got}`;
      if (s.type === 'integer' && !Number.isSafeInteger(v))
        return `${name} must be a whole number, got ${got}`;
      if (s.min !== undefined && v < s.min) return `${name} must be at least ${s.min}, got ${got}`;
      if (s.max !== undefined && v > s.max) return `${name} must be at most ${s.max}, got ${got}`;
      return undefined;
    }
    case 'string':
      if (typeof v !== 'string') return `${name} must be a string, got ${got}`;
      if (s.oneOf !== undefined && !s.oneOf.includes(v))
        return `${name} must be one of ${s.oneOf.join(', ')}, got ${got}`;
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${name} must be true or false, got ${got}`;
    case 'json':
      return undefined;
  }
}

/** Problems with a `constants` declaration itself (a user module's export), one sentence each. */
export function checkConstantsSpec(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return ['`constants` must be an object mapping each constant name to { type, ... }'];
  }
  const problems: string[] = [];
  for (const [name, s] of Object.entries(spec as Record<string, unknown>)) {
    const type = (s as { type?: unknown } | null)?.type;
    if (
      type !== 'integer' &&
      type !== 'number' &&
      type !== 'string' &&
      type !== 'boolean' &&
      type !== 'json'
    ) {
      problems.push(
        `constant ${JSON.stringify(name)}: type must be integer, number, string, boolean or json`,
      );
    }
  }
  return problems;
}
