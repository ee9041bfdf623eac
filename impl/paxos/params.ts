// Typed, described protocol parameters: each protocol declares its parameters once (kind, default,
// description, bounds), and the same declaration fills in defaults inside the node, validates
// `--param k=v` on the command line, and documents the protocol (`describe`).

/** One parameter of a protocol. */
export type ParamSpec =
  | {
      readonly kind: 'number';
      readonly default: number;
      readonly description: string;
      readonly min?: number;
      readonly max?: number;
      readonly integer?: boolean;
    }
  | { readonly kind: 'boolean'; readonly default: boolean; readonly description: string }
  | {
      readonly kind: 'enum';
      readonly default: string;
      readonly values: readonly string[];
      readonly description: string;
    };

/** A protocol's parameters by name. */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The parameter values a spec table describes. */
export type ParamValues<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K] extends { kind: 'number' }
    ? number
    : S[K] extends { kind: 'boolean' }
      ? boolean
      : S[K] extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : never;
};

function checkValue(protocol: string, name: string, spec: ParamSpec, v: unknown): unknown {
  const bad = (what: string): RangeError =>
    new RangeError(`${protocol}: parameter ${name} must be ${what}, got ${JSON.stringify(v)}`);
  switch (spec.kind) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('a number');
      if (spec.integer === true && !Number.isInteger(v)) throw bad('an integer');
      if (spec.min !== undefined && v < spec.min) throw bad(`>= ${spec.min}`);
      if (spec.max !== undefined && v > spec.max) throw bad(`<= ${spec.max}`);
      return v;
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw bad('true or false');
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) throw bad(`one of ${spec.values.join(', ')}`);
      return v;
  }
}

/**
 * Fill in defaults and check every given parameter; an unknown name or a bad value is a RangeError
 * whose message names the parameter.
 */
export function resolveParams<S extends ParamSpecs>(
  protocol: string,
  specs: S,
  given: Readonly<Record<string, unknown>> | undefined,
): ParamValues<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  for (const [name, v] of Object.entries(given ?? {})) {
    const spec = specs[name];
    if (spec === undefined) {
      throw new RangeError(
        `${protocol}: unknown parameter ${name} (known: ${Object.keys(specs).join(', ')})`,
      );
    }
    out[name] = checkValue(protocol, name, spec, v);
  }
  return out as ParamValues<S>;
}

/** Parse one `--param name=text` value by its spec (numbers, `true`/`false`, enum names). */
export function parseParam(protocol: string, specs: ParamSpecs, name: string, text: string): unknown {
  const spec = specs[name];
  if (spec === undefined) {
    throw new RangeError(`${protocol}: unknown parameter ${name} (known: ${Object.keys(specs).join(', ')})`);
  }
  switch (spec.kind) {
    case 'number': {
      const v = text.trim() === '' ? Number.NaN : Number(text);
      return checkValue(protocol, name, spec, v);
    }
    case 'boolean':
      return checkValue(protocol, name, spec, text === 'true' ? true : text === 'false' ? false : text);
    case 'enum':
      return checkValue(protocol, name, spec, text);
  }
}
