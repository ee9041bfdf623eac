// Static checks of a user's model source (read with ts-morph, never run): nondeterminism, mutation
// of the state passed in, Set/Map iteration deciding the action order, properties that ignore the
// state. Findings are data (rule, location, fix); `synod lint` renders them.

import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import type * as TsMorph from 'ts-morph';
import type {
  ArrowFunction,
  CallExpression,
  FunctionDeclaration,
  FunctionExpression,
  MethodDeclaration,
  Node,
  ObjectLiteralExpression,
  SourceFile,
  Type,
  TypeChecker,
} from 'ts-morph';

// ts-morph (with the TypeScript compiler) takes about half a second to load: it is loaded on the
// first lint, so importing synod/model-check or running another synod command does not pay for it.
let M: typeof TsMorph;
function loadTsMorph(): void {
  M ??= createRequire(import.meta.url)('ts-morph') as typeof TsMorph;
}

/** The id of a lint rule. Ids are stable: tools may match on them. */
export type LintRuleId =
  | 'nondeterminism'
  | 'state-mutation'
  | 'unordered-iteration'
  | 'property-ignores-state'
  | 'model-not-found'
  | 'no-export'
  | 'syntax';

/** How bad a finding is: `error` makes the search wrong; `warning` is worth a look. */
export type LintSeverity = 'error' | 'warning';

/** One problem in a model's source, with where it is and how to fix it. */
export interface LintFinding {
  rule: LintRuleId;
  message: string;
  /** How to fix it, in one sentence. */
  fix: string;
  /** Absolute path of the file the finding is in (a helper may sit in an imported file). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: LintSeverity;
}

/** Options of {@link lintModel}. */
export interface LintOptions {
  /** The export holding the model (or the function from constants to a model). Default: `default`. */
  exportName?: string;
}

/** What {@link lintModel} found, in file, line, column order. */
export interface LintResult {
  findings: LintFinding[];
}

/** A rule as documentation: what it catches, with a one-line example and the fix. */
export interface LintRuleInfo {
  id: LintRuleId;
  severity: LintSeverity;
  summary: string;
  example: string;
  fix: string;
}

const FIX = {
  nondeterminism:
    'make the model a function of (state, action): take randomness or time as part of the state or as an action parameter, and do no I/O in the model',
  console:
    'remove the logging, or move it to formatState/formatAction (the checker calls init/actions/next millions of times)',
  stateMutation:
    'build a new state instead: copy what changes ({ ...s, xs: [...s.xs, x] }, s.xs.slice()) and return it; the checker keeps the old state and may revisit it',
  actionMutation: 'treat the action as read-only: the checker reuses action objects and replays them',
  unordered:
    'iterate in a canonical order: sort first ([...set].sort(), [...map.keys()].sort()) or keep the state in an array',
  ignoresState:
    'make the property read the state it is given, e.g. always("safe", (s) => s.decided.length <= 1); a property that ignores it is true or false everywhere',
  modelNotFound:
    'export the model as `export default { init, actions, next, properties }` or as a function from constants returning such an object literal',
  noExport: 'pick the export with --export NAME, or export the model as default',
  syntax: 'fix the syntax error; nothing else was checked',
} as const;

/** Every rule, for help texts and docs. */
export const lintRules: readonly LintRuleInfo[] = [
  {
    id: 'nondeterminism',
    severity: 'error',
    summary:
      'randomness, clocks, timers or I/O inside init/actions/next/properties/boundary (console.* is a warning)',
    example: 'next: (s, a) => ({ ...s, id: Math.random() })',
    fix: FIX.nondeterminism,
  },
  {
    id: 'state-mutation',
    severity: 'error',
    summary:
      'the state (or action) passed in is changed in place: assignments, ++, delete, push/sort/add/set...',
    example: 'next(s, m) { s.msgs.push(m); return s; }',
    fix: FIX.stateMutation,
  },
  {
    id: 'unordered-iteration',
    severity: 'error',
    summary: 'a Set/Map is iterated in actions in insertion order, which then decides the action order',
    example: 'actions(s, out) { for (const m of s.inFlight) out.push(m); }',
    fix: FIX.unordered,
  },
  {
    id: 'property-ignores-state',
    severity: 'error',
    summary: 'a property function that reads nothing of the state it is given',
    example: "always('agreement', () => chosen.size <= 1)",
    fix: FIX.ignoresState,
  },
  {
    id: 'model-not-found',
    severity: 'warning',
    summary: 'the export is not a shape lint understands, so nothing was checked',
    example: 'export default new MyModel()',
    fix: FIX.modelNotFound,
  },
  {
    id: 'no-export',
    severity: 'error',
    summary: 'the module has no such export',
    example: 'synod lint model.ts --export modle',
    fix: FIX.noExport,
  },
  {
    id: 'syntax',
    severity: 'error',
    summary: 'the file does not parse',
    example: 'next(s, a) { return { ...s }',
    fix: FIX.syntax,
  },
];

const EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** True when `lintModel` reads files with this name's extension. */
export function isLintableFile(file: string): boolean {
  return EXTENSIONS.has(extname(file));
}

/**
 * Read the model exported by `file` and report what would make the search wrong: nondeterminism,
 * mutation of the state passed in, Set/Map iteration order deciding the action order, properties
 * that ignore the state. The module is parsed and type-checked locally, never run.
 *
 * Throws when `file` does not exist or is not a .ts/.mts/.cts/.js/.mjs/.cjs file.
 *
 * @example
 * ```ts
 * import { lintModel } from 'synod/model-check';
 * const { findings } = lintModel('./my-paxos/model.ts');
 * for (const f of findings) console.log(`${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`);
 * ```
 */
export function lintModel(file: string, options: LintOptions = {}): LintResult {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`lintModel: no such file: ${file}`);
  if (!isLintableFile(path)) {
    throw new Error(`lintModel: ${file} is not a .ts, .mts, .cts, .js, .mjs or .cjs module`);
  }
  loadTsMorph();
  const project = new M.Project({
    skipAddingFilesFromTsConfig: true,
    useInMemoryFileSystem: false,
    compilerOptions: {
      allowJs: true,
      checkJs: false,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      target: M.ts.ScriptTarget.ES2022,
      module: M.ts.ModuleKind.NodeNext,
      moduleResolution: M.ts.ModuleResolutionKind.NodeNext,
      // No @types: globals such as `process` are recognised by name, and skipping them keeps this fast.
      types: [],
      lib: ['lib.es2023.d.ts'],
    },
    // The file's own imports resolve as usual (so `Model<S, A>` from synod/model-check types its
    // methods); beyond it, only relative imports: the user's helpers, not every package's types.
    resolutionHost: (host, getOptions) => ({
      resolveModuleNames: (names, containingFile, _reused, _redirected, _options, containing) =>
        names.map((name) =>
          name.startsWith('.') || resolve(containingFile) === path
            ? M.ts.resolveModuleName(
                name,
                containingFile,
                getOptions(),
                host,
                undefined,
                undefined,
                containing?.impliedNodeFormat,
              ).resolvedModule
            : undefined,
        ),
    }),
  });
  const sourceFile = project.addSourceFileAtPath(path);
  const syntax = project.getProgram().getSyntacticDiagnostics(sourceFile);
  if (syntax.length > 0) {
    return {
      findings: syntax.map((d) => {
        const { line, column } = sourceFile.getLineAndColumnAtPos(d.getStart() ?? 0);
        const text = d.getMessageText();
        const message = typeof text === 'string' ? text : text.getMessageText();
        return { rule: 'syntax', message, fix: FIX.syntax, file: path, line, column, severity: 'error' };
      }),
    };
  }
  const linter = new Linter(project.getTypeChecker());
  linter.lintExport(sourceFile, options.exportName);
  return { findings: linter.sorted() };
}

type Fn = ArrowFunction | FunctionExpression | FunctionDeclaration | MethodDeclaration;
type Role = 'init' | 'actions' | 'next' | 'boundary' | `property ${string}` | 'properties';

function isFn(n: Node | undefined): n is Fn {
  return (
    n !== undefined &&
    (M.Node.isArrowFunction(n) ||
      M.Node.isFunctionExpression(n) ||
      M.Node.isFunctionDeclaration(n) ||
      M.Node.isMethodDeclaration(n))
  );
}

/** Strip what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
function unwrap(n: Node): Node {
  let cur = n;
  for (;;) {
    if (
      M.Node.isParenthesizedExpression(cur) ||
      M.Node.isAsExpression(cur) ||
      M.Node.isSatisfiesExpression(cur) ||
      M.Node.isNonNullExpression(cur) ||
      M.Node.isTypeAssertion(cur)
    ) {
      cur = cur.getExpression();
    } else {
      return cur;
    }
  }
}

function clip(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function memberName(n: Node): string | undefined {
  if (M.Node.isPropertyAccessExpression(n)) return n.getName();
  if (M.Node.isElementAccessExpression(n)) {
    const arg = n.getArgumentExpression();
    if (arg !== undefined && (M.Node.isStringLiteral(arg) || M.Node.isNoSubstitutionTemplateLiteral(arg))) {
      return arg.getLiteralValue();
    }
  }
  return undefined;
}

// --- where an identifier comes from: a global, an import, a require, or the user's own code ---

type Origin =
  | { kind: 'global'; name: string }
  | { kind: 'module'; module: string; name: string } // name '*' for a namespace or default import
  | { kind: 'local' };

const IO_MODULES = new Set([
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'readline',
  'os',
  'worker_threads',
]);
const RANDOM_CRYPTO = new Set([
  'randomUUID',
  'getRandomValues',
  'randomBytes',
  'randomInt',
  'randomFill',
  'randomFillSync',
]);
const PROCESS_NONDET = new Set([
  'env',
  'hrtime',
  'uptime',
  'argv',
  'cwd',
  'pid',
  'memoryUsage',
  'cpuUsage',
  'stdin',
  'stdout',
  'stderr',
]);
const TIMERS = new Set([
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'requestAnimationFrame',
]);

function moduleName(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

function requiredModule(n: Node | undefined): string | undefined {
  if (n === undefined) return undefined;
  const e = unwrap(n);
  if (!M.Node.isCallExpression(e)) return undefined;
  const callee = e.getExpression();
  const arg = e.getArguments()[0];
  if (
    M.Node.isIdentifier(callee) &&
    callee.getText() === 'require' &&
    arg !== undefined &&
    (M.Node.isStringLiteral(arg) || M.Node.isNoSubstitutionTemplateLiteral(arg))
  ) {
    return moduleName(arg.getLiteralValue());
  }
  return undefined;
}

function originOf(id: Node): Origin {
  const symbol = id.getSymbol();
  const decls = symbol?.getDeclarations() ?? [];
  if (decls.length === 0) return { kind: 'global', name: id.getText() };
  for (const d of decls) {
    if (M.Node.isImportSpecifier(d)) {
      return {
        kind: 'module',
        module: moduleName(d.getImportDeclaration().getModuleSpecifierValue()),
        name: d.getName(),
      };
    }
    if (M.Node.isImportClause(d) || M.Node.isNamespaceImport(d)) {
      const decl = d.getFirstAncestor((a) => M.Node.isImportDeclaration(a));
      if (decl !== undefined && M.Node.isImportDeclaration(decl)) {
        return { kind: 'module', module: moduleName(decl.getModuleSpecifierValue()), name: '*' };
      }
    }
    if (M.Node.isVariableDeclaration(d)) {
      const mod = requiredModule(d.getInitializer());
      if (mod !== undefined) return { kind: 'module', module: mod, name: '*' };
    }
    if (M.Node.isBindingElement(d)) {
      const vd = d.getFirstAncestor((a) => M.Node.isVariableDeclaration(a));
      if (vd !== undefined && M.Node.isVariableDeclaration(vd)) {
        const mod = requiredModule(vd.getInitializer());
        if (mod !== undefined)
          return { kind: 'module', module: mod, name: d.getPropertyNameNode()?.getText() ?? d.getName() };
      }
    }
  }
  if (decls.every((d) => d.getSourceFile().isDeclarationFile()))
    return { kind: 'global', name: id.getText() };
  return { kind: 'local' };
}

// --- types ---

function typeNames(type: Type, out: Set<string>, depth = 0): void {
  if (depth > 4) return;
  if (type.isUnion()) {
    for (const t of type.getUnionTypes()) typeNames(t, out, depth + 1);
    return;
  }
  if (type.isIntersection()) {
    for (const t of type.getIntersectionTypes()) typeNames(t, out, depth + 1);
    return;
  }
  if (type.isAny() || type.isUnknown()) out.add('any');
  if (type.isArray() || type.isTuple()) out.add('Array');
  const symbol = type.getSymbol() ?? type.getAliasSymbol();
  if (symbol !== undefined) out.add(symbol.getName());
  if (type.isClassOrInterface()) {
    for (const base of type.getBaseTypes()) typeNames(base, out, depth + 1);
  }
}

const UNORDERED = new Set(['Set', 'Map', 'ReadonlySet', 'ReadonlyMap']);
const ARRAYLIKE = new Set([
  'Array',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);
const COLLECTION = new Set(['Set', 'Map', 'WeakSet', 'WeakMap']);
const ARRAY_MUTATORS = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);
const COLLECTION_MUTATORS = new Set(['add', 'set', 'delete', 'clear']);
const OBJECT_MUTATORS = new Set([
  'Object.assign',
  'Object.defineProperty',
  'Object.defineProperties',
  'Object.setPrototypeOf',
  'Reflect.set',
  'Reflect.deleteProperty',
  'Reflect.defineProperty',
]);
/** Methods whose callback's first parameter (second for reduce) is an element of the receiver. */
const ELEMENT_CALLBACKS: Record<string, number> = {
  forEach: 0,
  map: 0,
  filter: 0,
  some: 0,
  every: 0,
  find: 0,
  findLast: 0,
  findIndex: 0,
  findLastIndex: 0,
  flatMap: 0,
  reduce: 1,
  reduceRight: 1,
};
/** Methods that return a new array (or iterator) holding the receiver's elements. */
const SHALLOW_COPIES = new Set([
  'slice',
  'filter',
  'concat',
  'toSorted',
  'toReversed',
  'toSpliced',
  'with',
  'flat',
]);
const ITERATORS = new Set(['keys', 'values', 'entries']);
const ELEMENT_GETTERS = new Set(['get', 'at', 'find', 'findLast']);

/**
 * A value derived from the state (or action) passed in. `fresh` counts how many levels, from the
 * top, belong to this function alone: 0 for the state itself or a part of it, 1 for a shallow
 * copy ({ ...s }, s.xs.slice()) whose fields are still shared, and so on. Changing an object is a
 * mutation of the input when the object's `fresh` is 0.
 */
interface Derived {
  fresh: number;
  what: 'state' | 'action';
}

interface Context {
  role: Role;
  /** The helper chain from the model method, e.g. `proposable()`. */
  via: string[];
}

function describe(ctx: Context): string {
  return ctx.via.length === 0
    ? ctx.role
    : `${ctx.via.map((v) => `${v}()`).join(' via ')} called from ${ctx.role}`;
}

function fnName(fn: Fn): string {
  if (M.Node.isFunctionDeclaration(fn) || M.Node.isMethodDeclaration(fn)) return fn.getName() ?? 'function';
  const parent = fn.getParent();
  if (M.Node.isVariableDeclaration(parent) || M.Node.isPropertyAssignment(parent)) return parent.getName();
  return 'function';
}

const MAX_HELPER_DEPTH = 5;

class Linter {
  private readonly findings = new Map<string, LintFinding>();
  private readonly scannedNondet = new Set<Node>();
  private readonly scannedMutation = new Set<string>();
  private readonly scannedUnordered = new Set<Node>();
  private readonly tc: TypeChecker;

  constructor(tc: TypeChecker) {
    this.tc = tc;
  }

  sorted(): LintFinding[] {
    return [...this.findings.values()].sort(
      (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
    );
  }

  private report(
    rule: LintRuleId,
    node: Node,
    message: string,
    fix: string,
    severity: LintSeverity = 'error',
  ): void {
    const sf = node.getSourceFile();
    const start = M.Node.isSourceFile(node) ? 0 : node.getStart();
    const key = `${rule}\0${sf.getFilePath()}\0${start}`;
    if (this.findings.has(key)) return;
    const { line, column } = sf.getLineAndColumnAtPos(start);
    this.findings.set(key, { rule, message, fix, file: sf.getFilePath(), line, column, severity });
  }

  // --- finding the model ---

  /**
   * Lint the model behind `exportName`. Without a name: the default export, or when there is none,
   * every export that is a model (or a function returning one), such as `export function paxos(...)`.
   */
  lintExport(sf: SourceFile, given: string | undefined): void {
    const exported = sf.getExportedDeclarations();
    const exportName = given ?? 'default';
    const decls = exported.get(exportName);
    if (decls === undefined || decls.length === 0) {
      const names = [...exported.keys()];
      if (given === undefined) {
        const found = names.flatMap((name) => {
          const models: ObjectLiteralExpression[] = [];
          for (const d of exported.get(name) ?? []) this.collectModels(d, models, new Set(), 0);
          return models;
        });
        if (found.length > 0) {
          for (const m of found) this.lintModelObject(m);
          return;
        }
      }
      this.report(
        'no-export',
        sf,
        `the module has no export ${JSON.stringify(exportName)}${given === undefined ? ' and no other export is a model' : ''} (exports: ${names.length > 0 ? names.join(', ') : 'none'})`,
        FIX.noExport,
      );
      return;
    }
    const models: ObjectLiteralExpression[] = [];
    for (const d of decls) this.collectModels(d, models, new Set(), 0);
    if (models.length === 0) {
      const decl = decls[0]!;
      this.report(
        'model-not-found',
        decl,
        `export ${JSON.stringify(exportName)} (${decl.getKindName()}) is not an object literal with init/actions/next/properties, nor a function returning one, so nothing was checked`,
        FIX.modelNotFound,
        'warning',
      );
      return;
    }
    for (const m of models) this.lintModelObject(m);
  }

  /** The value nodes an expression or declaration stands for: through variables, imports and aliases. */
  private values(n: Node, depth: number): Node[] {
    if (depth > 8) return [];
    const e = unwrap(n);
    if (M.Node.isExportAssignment(e)) return this.values(e.getExpression(), depth + 1);
    if (M.Node.isVariableDeclaration(e)) {
      const init = e.getInitializer();
      return init === undefined ? [] : this.values(init, depth + 1);
    }
    if (M.Node.isPropertyAssignment(e)) {
      const init = e.getInitializer();
      return init === undefined ? [] : this.values(init, depth + 1);
    }
    if (M.Node.isShorthandPropertyAssignment(e)) {
      const symbol = this.tc.getShorthandAssignmentValueSymbol(e);
      return (symbol?.getDeclarations() ?? []).flatMap((d) => this.values(d, depth + 1));
    }
    if (M.Node.isIdentifier(e) || M.Node.isPropertyAccessExpression(e)) {
      let symbol = e.getSymbol();
      if (symbol?.isAlias() === true) symbol = symbol.getAliasedSymbol() ?? symbol;
      const decls = (symbol?.getDeclarations() ?? []).filter(
        (d) => !d.getSourceFile().isDeclarationFile() && !d.getSourceFile().isInNodeModules(),
      );
      if (decls.length === 0) return [e];
      return decls.flatMap((d) => this.values(d, depth + 1));
    }
    return [e];
  }

  /** The expressions `fn` returns (its expression body, or each `return` not inside a nested function). */
  private returns(fn: Fn): Node[] {
    const body = fn.getBody();
    if (body === undefined) return [];
    if (!M.Node.isBlock(body)) return [body];
    const out: Node[] = [];
    body.forEachDescendant((n, traversal) => {
      if (isFn(n) || M.Node.isClassDeclaration(n) || M.Node.isClassExpression(n)) {
        traversal.skip();
        return;
      }
      if (M.Node.isReturnStatement(n)) {
        const e = n.getExpression();
        if (e !== undefined) out.push(e);
      }
    });
    return out;
  }

  private collectModels(n: Node, out: ObjectLiteralExpression[], seen: Set<Node>, depth: number): void {
    if (depth > 6) return;
    for (const v of this.values(n, 0)) {
      if (seen.has(v)) continue;
      seen.add(v);
      if (M.Node.isObjectLiteralExpression(v)) {
        if (looksLikeModel(v)) out.push(v);
      } else if (isFn(v)) {
        for (const r of this.returns(v)) this.collectModels(r, out, seen, depth + 1);
      } else if (M.Node.isCallExpression(v)) {
        for (const callee of this.values(v.getExpression(), 0)) {
          if (isFn(callee)) for (const r of this.returns(callee)) this.collectModels(r, out, seen, depth + 1);
        }
      } else if (M.Node.isConditionalExpression(v)) {
        this.collectModels(v.getWhenTrue(), out, seen, depth + 1);
        this.collectModels(v.getWhenFalse(), out, seen, depth + 1);
      }
    }
  }

  /** The functions an expression stands for (a factory call's returned function included). */
  private functions(n: Node): Fn[] {
    const out: Fn[] = [];
    for (const v of this.values(n, 0)) {
      if (isFn(v)) out.push(v);
      else if (M.Node.isCallExpression(v)) {
        for (const callee of this.values(v.getExpression(), 0)) {
          if (!isFn(callee)) continue;
          for (const r of this.returns(callee)) for (const f of this.values(r, 0)) if (isFn(f)) out.push(f);
        }
      }
    }
    return out;
  }

  /** The user's functions a call may run (not library code), for following helpers. */
  private callees(call: CallExpression): Fn[] {
    return this.functions(call.getExpression()).filter(
      (f) => !f.getSourceFile().isDeclarationFile() && !f.getSourceFile().isInNodeModules(),
    );
  }

  private lintModelObject(model: ObjectLiteralExpression): void {
    for (const role of ['init', 'actions', 'next', 'boundary'] as const) {
      const member = model.getProperty(role);
      if (member === undefined) continue;
      const fns = this.functions(member);
      if (fns.length === 0) {
        this.scanNondet(member, { role, via: [] }, 0);
        continue;
      }
      for (const fn of fns) {
        const ctx: Context = { role, via: [] };
        this.scanNondet(fn, ctx, 0);
        if (role === 'actions') {
          this.scanMutation(fn, new Map([[0, { fresh: 0, what: 'state' }]]), ctx, 0);
          this.scanUnordered(fn, ctx, 0);
        } else if (role === 'next') {
          this.scanMutation(
            fn,
            new Map([
              [0, { fresh: 0, what: 'state' }],
              [1, { fresh: 0, what: 'action' }],
            ]),
            ctx,
            0,
          );
        } else if (role === 'boundary') {
          this.scanMutation(fn, new Map([[0, { fresh: 0, what: 'state' }]]), ctx, 0);
        }
      }
    }
    const props = model.getProperty('properties');
    if (props !== undefined) {
      this.scanNondet(props, { role: 'properties', via: [] }, 0);
      for (const v of this.values(props, 0))
        if (M.Node.isArrayLiteralExpression(v)) this.lintProperties(v, 0);
    }
  }

  private lintProperties(list: Node, depth: number): void {
    if (depth > 4 || !M.Node.isArrayLiteralExpression(list)) return;
    for (const raw of list.getElements()) {
      if (M.Node.isSpreadElement(raw)) {
        for (const v of this.values(raw.getExpression(), 0)) this.lintProperties(v, depth + 1);
        continue;
      }
      // An element may be a variable holding the property: follow it to its value.
      for (const el of this.values(raw, 0)) {
        let name: string | undefined;
        let holds: Node | undefined;
        if (M.Node.isCallExpression(el)) {
          const callee = el.getExpression();
          const kind = M.Node.isIdentifier(callee) ? callee.getText() : memberName(callee);
          if (kind !== 'always' && kind !== 'sometimes' && kind !== 'eventually') continue;
          const [nameArg, fnArg] = el.getArguments();
          if (nameArg !== undefined && M.Node.isStringLiteral(nameArg)) name = nameArg.getLiteralValue();
          holds = fnArg;
        } else if (M.Node.isObjectLiteralExpression(el)) {
          const n = el.getProperty('name');
          if (n !== undefined && M.Node.isPropertyAssignment(n)) {
            const init = n.getInitializer();
            if (init !== undefined && M.Node.isStringLiteral(init)) name = init.getLiteralValue();
          }
          holds = el.getProperty('holds');
        }
        if (holds === undefined) continue;
        const role: Role = `property ${name === undefined ? '(unnamed)' : JSON.stringify(name)}`;
        for (const fn of this.functions(holds)) {
          this.scanNondet(fn, { role, via: [] }, 0);
          this.scanMutation(fn, new Map([[0, { fresh: 0, what: 'state' }]]), { role, via: [] }, 0);
          this.checkReadsState(fn, role);
        }
      }
    }
  }

  // --- property-ignores-state ---

  private checkReadsState(fn: Fn, role: Role): void {
    const param = fn.getParameters()[0];
    const label = `${role[0]!.toUpperCase()}${role.slice(1)}`;
    if (param === undefined) {
      this.report(
        'property-ignores-state',
        fn,
        `${label} takes no state parameter, so it has the same value in every state`,
        FIX.ignoresState,
      );
      return;
    }
    const symbols = new Set<TsMorph.ts.Symbol>();
    const bind = (n: Node): void => {
      if (M.Node.isIdentifier(n)) {
        const s = n.getSymbol();
        if (s !== undefined) symbols.add(s.compilerSymbol);
      } else if (M.Node.isObjectBindingPattern(n) || M.Node.isArrayBindingPattern(n)) {
        for (const el of n.getElements()) if (M.Node.isBindingElement(el)) bind(el.getNameNode());
      }
    };
    bind(param.getNameNode());
    const body = fn.getBody();
    const ids =
      body === undefined
        ? []
        : [
            ...(M.Node.isIdentifier(body) ? [body] : []),
            ...body.getDescendantsOfKind(M.ts.SyntaxKind.Identifier),
          ];
    const used = ids.some((id) => {
      const parent = id.getParent();
      const s = M.Node.isShorthandPropertyAssignment(parent)
        ? this.tc.getShorthandAssignmentValueSymbol(parent)
        : id.getSymbol();
      return s !== undefined && symbols.has(s.compilerSymbol);
    });
    if (!used) {
      this.report(
        'property-ignores-state',
        fn,
        `${label} never reads its state parameter ${clip(param.getNameNode().getText(), 30)}, so it has the same value in every state`,
        FIX.ignoresState,
      );
    }
  }

  // --- nondeterminism ---

  private scanNondet(root: Node, ctx: Context, depth: number): void {
    if (this.scannedNondet.has(root)) return;
    this.scannedNondet.add(root);
    const where = describe(ctx);
    const flag = (node: Node, what: string): void => {
      this.report(
        'nondeterminism',
        node,
        `${what} in ${where} makes the model nondeterministic`,
        FIX.nondeterminism,
      );
    };
    root.forEachDescendant((n) => {
      if (M.Node.isIdentifier(n)) {
        this.checkIdentifier(n, where, flag);
        return;
      }
      if (M.Node.isCallExpression(n)) {
        const callee = n.getExpression();
        if (M.Node.isIdentifier(callee) && callee.getText() === 'require') {
          const mod = requiredModule(n);
          if (mod !== undefined && IO_MODULES.has(mod)) flag(n, `require(${JSON.stringify(mod)}) (I/O)`);
        } else if (callee.getKind() === M.ts.SyntaxKind.ImportKeyword) {
          flag(n, 'a dynamic import()');
        }
        if (depth < MAX_HELPER_DEPTH) {
          for (const helper of this.callees(n)) {
            if (helper === root || helper.containsRange(n.getPos(), n.getEnd())) continue;
            this.scanNondet(helper, { role: ctx.role, via: [fnName(helper), ...ctx.via] }, depth + 1);
          }
        }
      }
    });
  }

  private checkIdentifier(id: Node, where: string, flag: (node: Node, what: string) => void): void {
    const parent = id.getParent();
    // Only identifiers in expression position: not `x` in `a.x`, not declaration names.
    if (M.Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) return;
    if (
      (M.Node.isPropertyAssignment(parent) ||
        M.Node.isVariableDeclaration(parent) ||
        M.Node.isParameterDeclaration(parent) ||
        M.Node.isBindingElement(parent) ||
        M.Node.isMethodDeclaration(parent) ||
        M.Node.isFunctionDeclaration(parent)) &&
      parent.getNameNode() === id
    ) {
      return;
    }
    const name = id.getText();
    const interesting =
      name === 'Math' ||
      name === 'Date' ||
      name === 'performance' ||
      name === 'process' ||
      name === 'crypto' ||
      name === 'console' ||
      name === 'fetch' ||
      TIMERS.has(name);
    const origin = interesting || this.mayBeImport(id) ? originOf(id) : { kind: 'local' as const };
    if (origin.kind === 'local') return;
    const member =
      M.Node.isPropertyAccessExpression(parent) && parent.getExpression() === id
        ? parent.getName()
        : undefined;
    const callOf = (n: Node): boolean => {
      const p = n.getParent();
      return (M.Node.isCallExpression(p) || M.Node.isNewExpression(p)) && p.getExpression() === n;
    };
    if (origin.kind === 'global') {
      switch (name) {
        case 'Math':
          if (member === 'random') flag(parent!, 'Math.random()');
          return;
        case 'Date': {
          const p = id.getParent();
          if (member === 'now') flag(parent!, 'Date.now()');
          else if (
            callOf(id) &&
            (M.Node.isNewExpression(p) || M.Node.isCallExpression(p)) &&
            p.getArguments().length === 0
          ) {
            flag(p, M.Node.isNewExpression(p) ? 'new Date() (the clock)' : 'Date() (the clock)');
          }
          return;
        }
        case 'performance':
          if (member === 'now' || member === 'timeOrigin') flag(parent!, `performance.${member} (the clock)`);
          return;
        case 'process':
          if (member !== undefined && PROCESS_NONDET.has(member)) flag(parent!, `process.${member}`);
          return;
        case 'crypto':
          if (member !== undefined && RANDOM_CRYPTO.has(member)) flag(parent!, `crypto.${member}()`);
          return;
        case 'console':
          this.report(
            'nondeterminism',
            parent ?? id,
            `console${member === undefined ? '' : `.${member}`} in ${where}: output from inside the model (it runs for every state)`,
            FIX.console,
            'warning',
          );
          return;
        case 'fetch':
          flag(id, 'fetch (network I/O)');
          return;
        default:
          if (TIMERS.has(name)) flag(callOf(id) ? id.getParent()! : id, `${name} (a timer)`);
          return;
      }
    }
    const mod = origin.module;
    const full = origin.name === '*' ? (member === undefined ? mod : `${mod}.${member}`) : origin.name;
    if (IO_MODULES.has(mod)) flag(member === undefined ? id : parent!, `${clip(full, 40)} (I/O from ${mod})`);
    else if (
      mod === 'crypto' &&
      (RANDOM_CRYPTO.has(origin.name) || (member !== undefined && RANDOM_CRYPTO.has(member)))
    ) {
      flag(member === undefined ? id : parent!, `${full} (randomness)`);
    } else if (mod === 'timers' || mod === 'timers/promises') flag(id, `${full} (a timer)`);
    else if (mod === 'perf_hooks' && (origin.name === 'performance' || origin.name === '*'))
      flag(id, `${full} (the clock)`);
    else if (
      mod === 'process' &&
      (origin.name === '*'
        ? member !== undefined && PROCESS_NONDET.has(member)
        : PROCESS_NONDET.has(origin.name))
    ) {
      flag(member === undefined ? id : parent!, `process.${origin.name === '*' ? member! : origin.name}`);
    }
  }

  /** Cheap pre-filter: the identifier's symbol is declared by an import or a require. */
  private mayBeImport(id: Node): boolean {
    const decls = id.getSymbol()?.getDeclarations() ?? [];
    return decls.some(
      (d) =>
        M.Node.isImportSpecifier(d) ||
        M.Node.isImportClause(d) ||
        M.Node.isNamespaceImport(d) ||
        (M.Node.isVariableDeclaration(d) && requiredModule(d.getInitializer()) !== undefined) ||
        M.Node.isBindingElement(d),
    );
  }

  // --- state-mutation ---

  private symbolOf(n: Node): TsMorph.ts.Symbol | undefined {
    if (M.Node.isShorthandPropertyAssignment(n))
      return this.tc.getShorthandAssignmentValueSymbol(n)?.compilerSymbol;
    return n.getSymbol()?.compilerSymbol;
  }

  /** How `n` relates to the tracked inputs, or undefined when it is unrelated (or fresh). */
  private derive(n: Node, env: Scope): Derived | undefined {
    const e = unwrap(n);
    if (M.Node.isIdentifier(e)) {
      const s = e.getSymbol();
      return s === undefined ? undefined : env.lookup(s.compilerSymbol, e.getStart());
    }
    if (M.Node.isPropertyAccessExpression(e) || M.Node.isElementAccessExpression(e)) {
      const d = this.derive(e.getExpression(), env);
      return d === undefined ? undefined : { fresh: Math.max(0, d.fresh - 1), what: d.what };
    }
    if (M.Node.isCallExpression(e)) {
      const callee = unwrap(e.getExpression());
      if (M.Node.isPropertyAccessExpression(callee)) {
        const method = callee.getName();
        const target = callee.getExpression();
        if (M.Node.isIdentifier(target) && target.getText() === 'Array' && method === 'from') {
          const arg = e.getArguments()[0];
          const d = arg === undefined ? undefined : this.derive(arg, env);
          return d === undefined ? undefined : { fresh: Math.max(1, d.fresh), what: d.what };
        }
        if (
          M.Node.isIdentifier(target) &&
          target.getText() === 'Object' &&
          (method === 'values' || method === 'entries')
        ) {
          const arg = e.getArguments()[0];
          const d = arg === undefined ? undefined : this.derive(arg, env);
          return d === undefined ? undefined : { fresh: Math.max(1, d.fresh), what: d.what };
        }
        const d = this.derive(target, env);
        if (d === undefined) return undefined;
        if (ITERATORS.has(method)) return d;
        if (SHALLOW_COPIES.has(method)) return { fresh: Math.max(1, d.fresh), what: d.what };
        if (ELEMENT_GETTERS.has(method)) return { fresh: Math.max(0, d.fresh - 1), what: d.what };
      }
      return undefined;
    }
    if (M.Node.isNewExpression(e)) {
      const callee = e.getExpression();
      const arg = e.getArguments()[0];
      if (M.Node.isIdentifier(callee) && COLLECTION.has(callee.getText()) && arg !== undefined) {
        const d = this.derive(arg, env);
        return d === undefined ? undefined : { fresh: Math.max(1, d.fresh), what: d.what };
      }
      return undefined;
    }
    if (M.Node.isArrayLiteralExpression(e) || M.Node.isObjectLiteralExpression(e)) {
      let min: Derived | undefined;
      const consider = (d: Derived | undefined): void => {
        if (d !== undefined && (min === undefined || d.fresh < min.fresh)) min = d;
      };
      if (M.Node.isArrayLiteralExpression(e)) {
        for (const el of e.getElements()) {
          if (M.Node.isSpreadElement(el)) {
            const d = this.derive(el.getExpression(), env);
            consider(d === undefined ? undefined : { fresh: Math.max(0, d.fresh - 1), what: d.what });
          } else consider(this.derive(el, env));
        }
      } else {
        for (const p of e.getProperties()) {
          if (M.Node.isSpreadAssignment(p)) {
            const d = this.derive(p.getExpression(), env);
            consider(d === undefined ? undefined : { fresh: Math.max(0, d.fresh - 1), what: d.what });
          } else if (M.Node.isPropertyAssignment(p)) {
            const init = p.getInitializer();
            if (init !== undefined) consider(this.derive(init, env));
          } else if (M.Node.isShorthandPropertyAssignment(p)) {
            const s = this.symbolOf(p);
            consider(s === undefined ? undefined : env.lookup(s, p.getStart()));
          }
        }
      }
      const m = min;
      return m === undefined ? undefined : { fresh: m.fresh + 1, what: m.what };
    }
    if (M.Node.isConditionalExpression(e)) {
      return this.lower(this.derive(e.getWhenTrue(), env), this.derive(e.getWhenFalse(), env));
    }
    if (M.Node.isBinaryExpression(e)) {
      const op = e.getOperatorToken().getKind();
      if (
        op === M.ts.SyntaxKind.QuestionQuestionToken ||
        op === M.ts.SyntaxKind.BarBarToken ||
        op === M.ts.SyntaxKind.AmpersandAmpersandToken
      ) {
        return this.lower(this.derive(e.getLeft(), env), this.derive(e.getRight(), env));
      }
      if (op === M.ts.SyntaxKind.CommaToken) return this.derive(e.getRight(), env);
    }
    return undefined;
  }

  private lower(a: Derived | undefined, b: Derived | undefined): Derived | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    return a.fresh <= b.fresh ? a : b;
  }

  private bind(name: Node, d: Derived, env: Scope): boolean {
    if (M.Node.isIdentifier(name)) {
      const s = name.getSymbol()?.compilerSymbol;
      if (s === undefined) return false;
      const old = env.get(s);
      if (old !== undefined && old.fresh <= d.fresh) return false;
      env.set(s, d);
      return true;
    }
    let changed = false;
    if (M.Node.isObjectBindingPattern(name) || M.Node.isArrayBindingPattern(name)) {
      const inner = { fresh: Math.max(0, d.fresh - 1), what: d.what };
      for (const el of name.getElements()) {
        if (M.Node.isBindingElement(el) && this.bind(el.getNameNode(), inner, env)) changed = true;
      }
    }
    return changed;
  }

  private scanMutation(fn: Fn, params: Map<number, Derived>, ctx: Context, depth: number): void {
    const key = `${fn.getSourceFile().getFilePath()}:${fn.getStart()}:${[...params].map(([i, d]) => `${i}/${d.fresh}/${d.what}`).join(',')}`;
    if (this.scannedMutation.has(key)) return;
    this.scannedMutation.add(key);
    const env = new Scope();
    fn.getParameters().forEach((p, i) => {
      const d = params.get(i);
      if (d !== undefined) this.bind(p.getNameNode(), d, env);
    });
    if (env.size === 0) return;
    const nodes = fn.getDescendants();
    // Aliases: `const m = s.msgs`, `for (const x of s.xs)`, `s.xs.forEach((x) => ...)`, to a fixpoint.
    for (let pass = 0; pass < 4; pass++) {
      let changed = false;
      const assigned = new Map<TsMorph.ts.Symbol, Reassignment[]>();
      for (const n of nodes) {
        if (M.Node.isBinaryExpression(n) && n.getOperatorToken().getKind() === M.ts.SyntaxKind.EqualsToken) {
          const left = unwrap(n.getLeft());
          const symbol = M.Node.isIdentifier(left) ? left.getSymbol()?.compilerSymbol : undefined;
          if (symbol !== undefined) {
            const list = assigned.get(symbol) ?? [];
            list.push({ end: n.getEnd(), derived: this.derive(n.getRight(), env) });
            assigned.set(symbol, list);
          }
        } else if (M.Node.isVariableDeclaration(n)) {
          const init = n.getInitializer();
          const d = init === undefined ? undefined : this.derive(init, env);
          if (d !== undefined && this.bind(n.getNameNode(), d, env)) changed = true;
        } else if (M.Node.isForOfStatement(n)) {
          const d = this.derive(n.getExpression(), env);
          const init = n.getInitializer();
          if (d !== undefined && M.Node.isVariableDeclarationList(init)) {
            const decl = init.getDeclarations()[0];
            const el = { fresh: Math.max(0, d.fresh - 1), what: d.what };
            if (decl !== undefined && this.bind(decl.getNameNode(), el, env)) changed = true;
          }
        } else if (M.Node.isCallExpression(n)) {
          const callee = unwrap(n.getExpression());
          if (!M.Node.isPropertyAccessExpression(callee)) continue;
          const index = ELEMENT_CALLBACKS[callee.getName()];
          if (index === undefined) continue;
          const d = this.derive(callee.getExpression(), env);
          const cb = n.getArguments()[0];
          if (d === undefined || cb === undefined || !isFn(cb)) continue;
          const p = cb.getParameters()[index];
          const el = { fresh: Math.max(0, d.fresh - 1), what: d.what };
          if (p !== undefined && this.bind(p.getNameNode(), el, env)) changed = true;
        }
      }
      if (env.setReassignments(assigned)) changed = true;
      if (!changed) break;
    }
    const where = describe(ctx);
    const flag = (node: Node, d: Derived, how: string): void => {
      const whose = d.what === 'state' ? 'the state' : 'the action';
      this.report(
        'state-mutation',
        node,
        `${where} mutates ${whose} it was given: ${how}`,
        d.what === 'state' ? FIX.stateMutation : FIX.actionMutation,
      );
    };
    const shared = (target: Node): Derived | undefined => {
      const d = this.derive(target, env);
      return d !== undefined && d.fresh === 0 ? d : undefined;
    };
    for (const n of nodes) {
      if (M.Node.isBinaryExpression(n)) {
        const op = n.getOperatorToken().getKind();
        if (op < M.ts.SyntaxKind.FirstAssignment || op > M.ts.SyntaxKind.LastAssignment) continue;
        for (const target of assignmentTargets(n.getLeft())) {
          const d = shared(target.getExpression());
          if (d !== undefined) flag(n, d, `${clip(target.getText())} is assigned`);
        }
      } else if (M.Node.isPrefixUnaryExpression(n) || M.Node.isPostfixUnaryExpression(n)) {
        const op = n.getOperatorToken();
        if (op !== M.ts.SyntaxKind.PlusPlusToken && op !== M.ts.SyntaxKind.MinusMinusToken) continue;
        const target = unwrap(n.getOperand());
        if (!M.Node.isPropertyAccessExpression(target) && !M.Node.isElementAccessExpression(target)) continue;
        const d = shared(target.getExpression());
        if (d !== undefined) flag(n, d, `${clip(n.getText())}`);
      } else if (M.Node.isDeleteExpression(n)) {
        const target = unwrap(n.getExpression());
        if (!M.Node.isPropertyAccessExpression(target) && !M.Node.isElementAccessExpression(target)) continue;
        const d = shared(target.getExpression());
        if (d !== undefined) flag(n, d, clip(n.getText()));
      } else if (M.Node.isCallExpression(n)) {
        const callee = unwrap(n.getExpression());
        const method = memberName(callee);
        const args = n.getArguments();
        if (
          (M.Node.isPropertyAccessExpression(callee) || M.Node.isElementAccessExpression(callee)) &&
          method !== undefined
        ) {
          const qualified = `${unwrap(callee.getExpression()).getText()}.${method}`;
          if (OBJECT_MUTATORS.has(qualified)) {
            const first = args[0];
            const d = first === undefined ? undefined : shared(first);
            if (d !== undefined) flag(n, d, `${qualified}(${clip(first!.getText(), 30)}, …)`);
          } else if (ARRAY_MUTATORS.has(method) || COLLECTION_MUTATORS.has(method)) {
            const receiver = callee.getExpression();
            const d = shared(receiver);
            if (d !== undefined && this.mutatorApplies(receiver, method)) {
              flag(n, d, `${clip(receiver.getText(), 40)}.${method}(…) changes it in place`);
            }
          }
        }
        if (depth < MAX_HELPER_DEPTH) {
          const passed = new Map<number, Derived>();
          args.forEach((a, i) => {
            const d = this.derive(a, env);
            if (d !== undefined) passed.set(i, d);
          });
          if (passed.size > 0) {
            for (const helper of this.callees(n)) {
              if (helper === fn || helper.containsRange(n.getPos(), n.getEnd())) continue;
              this.scanMutation(
                helper,
                passed,
                { role: ctx.role, via: [fnName(helper), ...ctx.via] },
                depth + 1,
              );
            }
          }
        }
      }
    }
  }

  /** Whether `receiver.method(...)` changes the receiver, judged by its type (unknown types: yes). */
  private mutatorApplies(receiver: Node, method: string): boolean {
    const names = new Set<string>();
    typeNames(receiver.getType(), names);
    if (names.has('any')) return true;
    const arrayish = [...names].some((n) => ARRAYLIKE.has(n));
    const collection = [...names].some((n) => COLLECTION.has(n));
    if (ARRAY_MUTATORS.has(method) && arrayish) return true;
    if (COLLECTION_MUTATORS.has(method) && collection) return true;
    // Typed arrays have an in-place `set`.
    return method === 'set' && arrayish && !names.has('Array');
  }

  // --- unordered-iteration ---

  private isUnordered(n: Node): boolean {
    const names = new Set<string>();
    typeNames(n.getType(), names);
    return [...names].some((x) => UNORDERED.has(x));
  }

  private scanUnordered(fn: Fn, ctx: Context, depth: number): void {
    if (this.scannedUnordered.has(fn)) return;
    this.scannedUnordered.add(fn);
    const where = describe(ctx);
    const flag = (node: Node, what: string): void => {
      this.report(
        'unordered-iteration',
        node,
        `${what} in ${where}: Set/Map insertion order decides the order of actions, and two equal states can enumerate them differently`,
        FIX.unordered,
      );
    };
    fn.forEachDescendant((n) => {
      if (M.Node.isForOfStatement(n)) {
        const e = unwrap(n.getExpression());
        const source = this.unorderedSource(e);
        if (source !== undefined && this.bodyOrders(n.getStatement())) {
          flag(e, `for (… of ${clip(source.getText(), 40)})`);
        }
      } else if (M.Node.isCallExpression(n)) {
        const callee = unwrap(n.getExpression());
        const method = memberName(callee);
        if (
          (M.Node.isPropertyAccessExpression(callee) || M.Node.isElementAccessExpression(callee)) &&
          method !== undefined
        ) {
          const receiver = callee.getExpression();
          if (method === 'forEach' && this.isUnordered(receiver)) {
            const cb = n.getArguments()[0];
            const body = cb !== undefined && isFn(cb) ? cb.getBody() : undefined;
            if (body === undefined || this.bodyOrders(body))
              flag(n, `${clip(receiver.getText(), 40)}.forEach(…)`);
          } else if (ITERATORS.has(method) && this.isUnordered(receiver) && !this.orderFreeUse(n)) {
            flag(n, `${clip(n.getText(), 50)}`);
          } else if (
            method === 'from' &&
            M.Node.isIdentifier(receiver) &&
            receiver.getText() === 'Array' &&
            n.getArguments()[0] !== undefined &&
            this.isUnordered(n.getArguments()[0]!) &&
            !this.orderFreeUse(n)
          ) {
            flag(n, `${clip(n.getText(), 50)}`);
          }
        }
        if (depth < MAX_HELPER_DEPTH) {
          for (const helper of this.callees(n)) {
            if (helper === fn || helper.containsRange(n.getPos(), n.getEnd())) continue;
            this.scanUnordered(helper, { role: ctx.role, via: [fnName(helper), ...ctx.via] }, depth + 1);
          }
        }
      } else if (M.Node.isSpreadElement(n)) {
        const e = n.getExpression();
        if (this.isUnordered(e) && !this.orderFreeUse(n)) flag(n, `...${clip(e.getText(), 40)}`);
      }
    });
  }

  /** The Set/Map a for-of iterates (itself, or through keys()/values()/entries()). */
  private unorderedSource(e: Node): Node | undefined {
    if (this.isUnordered(e)) return e;
    if (M.Node.isCallExpression(e)) {
      const callee = unwrap(e.getExpression());
      if (M.Node.isPropertyAccessExpression(callee) && ITERATORS.has(callee.getName())) {
        const receiver = callee.getExpression();
        if (this.isUnordered(receiver)) return e;
      }
    }
    return undefined;
  }

  /**
   * Whether a loop body builds an order: it pushes (to `out` or any array), yields, or hands the
   * loop's values to a call. A body that only counts or tests membership is order-free.
   */
  private bodyOrders(body: Node): boolean {
    const orders = (n: Node): boolean => {
      if (M.Node.isYieldExpression(n)) return true;
      if (!M.Node.isCallExpression(n)) return false;
      const method = memberName(unwrap(n.getExpression()));
      if (method === 'push' || method === 'unshift' || method === 'splice') return true;
      // A helper given an array (such as `out`) may push into it.
      return (
        this.callees(n).length > 0 &&
        n.getArguments().some((a) => {
          const names = new Set<string>();
          typeNames(a.getType(), names);
          return names.has('Array') || names.has('any');
        })
      );
    };
    if (orders(body)) return true;
    let found = false;
    body.forEachDescendant((n, traversal) => {
      if (orders(n)) {
        found = true;
        traversal.stop();
      }
    });
    return found;
  }

  /**
   * Whether the sequence produced at `n` (a spread, Array.from, keys()/values()/entries()) is used
   * in a way its order cannot matter: sorted, measured, searched, turned back into a Set/Map, fed to
   * Math.max/min, or iterated by a for-of whose body does not build an order.
   */
  private orderFreeUse(n: Node): boolean {
    let cur: Node = n;
    let parent = cur.getParent();
    // From a spread element to the array literal or call holding it.
    if (M.Node.isSpreadElement(cur) && parent !== undefined) {
      if (M.Node.isCallExpression(parent) || M.Node.isNewExpression(parent)) {
        const callee = parent.getExpression().getText();
        return callee === 'Math.max' || callee === 'Math.min' || callee === 'Set' || callee === 'Map';
      }
      cur = parent;
      parent = cur.getParent();
    }
    // Through Array.from(x) / [...x] wrappers around keys()/values()/entries().
    while (parent !== undefined) {
      if (
        M.Node.isCallExpression(parent) &&
        parent.getExpression().getText() === 'Array.from' &&
        parent !== cur
      ) {
        cur = parent;
        parent = cur.getParent();
      } else if (M.Node.isSpreadElement(parent)) {
        const holder = parent.getParent();
        if (holder === undefined) return false;
        if (M.Node.isCallExpression(holder) || M.Node.isNewExpression(holder)) {
          const callee = holder.getExpression().getText();
          return callee === 'Math.max' || callee === 'Math.min' || callee === 'Set' || callee === 'Map';
        }
        cur = holder;
        parent = cur.getParent();
      } else if (
        M.Node.isParenthesizedExpression(parent) ||
        M.Node.isAsExpression(parent) ||
        M.Node.isNonNullExpression(parent)
      ) {
        cur = parent;
        parent = cur.getParent();
      } else {
        break;
      }
    }
    if (parent === undefined) return false;
    if (M.Node.isNewExpression(parent)) {
      const callee = parent.getExpression().getText();
      return callee === 'Set' || callee === 'Map';
    }
    if (M.Node.isPropertyAccessExpression(parent) && parent.getExpression() === cur) {
      return ['sort', 'toSorted', 'length', 'includes', 'indexOf', 'some', 'every', 'size', 'has'].includes(
        parent.getName(),
      );
    }
    if (M.Node.isForOfStatement(parent) && parent.getExpression() === cur)
      return !this.bodyOrders(parent.getStatement());
    return false;
  }
}

interface Reassignment {
  /** Where the assignment `x = …` ends. */
  end: number;
  derived: Derived | undefined;
}

/**
 * What each variable holds, relative to the inputs. A variable assigned again (`t = { ...t }`) holds,
 * at a use, what the last assignment before the use in the text gave it: straight-line code, the
 * common case, is judged exactly; loops and branches approximately.
 */
class Scope {
  private readonly declared = new Map<TsMorph.ts.Symbol, Derived>();
  private reassigned = new Map<TsMorph.ts.Symbol, Reassignment[]>();

  get size(): number {
    return this.declared.size;
  }

  get(symbol: TsMorph.ts.Symbol): Derived | undefined {
    return this.declared.get(symbol);
  }

  set(symbol: TsMorph.ts.Symbol, d: Derived): void {
    this.declared.set(symbol, d);
  }

  lookup(symbol: TsMorph.ts.Symbol, at: number): Derived | undefined {
    let last: Reassignment | undefined;
    for (const r of this.reassigned.get(symbol) ?? [])
      if (r.end <= at && (last === undefined || r.end > last.end)) last = r;
    return last === undefined ? this.declared.get(symbol) : last.derived;
  }

  /** Replace the reassignments; true when they changed. */
  setReassignments(next: Map<TsMorph.ts.Symbol, Reassignment[]>): boolean {
    const key = (m: Map<TsMorph.ts.Symbol, Reassignment[]>): string =>
      [...m.values()].map((l) => l.map((r) => `${r.end}:${r.derived?.fresh ?? '-'}`).join(',')).join(';');
    const changed = key(next) !== key(this.reassigned);
    this.reassigned = next;
    return changed;
  }
}

/** The property/element accesses assigned by the left side of an assignment (destructuring included). */
function assignmentTargets(left: Node): (Node & { getExpression(): Node })[] {
  const e = unwrap(left);
  if (M.Node.isPropertyAccessExpression(e) || M.Node.isElementAccessExpression(e)) return [e];
  const out: (Node & { getExpression(): Node })[] = [];
  if (M.Node.isArrayLiteralExpression(e)) {
    for (const el of e.getElements())
      out.push(...assignmentTargets(M.Node.isSpreadElement(el) ? el.getExpression() : el));
  } else if (M.Node.isObjectLiteralExpression(e)) {
    for (const p of e.getProperties()) {
      if (M.Node.isPropertyAssignment(p)) {
        const init = p.getInitializer();
        if (init !== undefined) out.push(...assignmentTargets(init));
      }
    }
  } else if (M.Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === M.ts.SyntaxKind.EqualsToken) {
    out.push(...assignmentTargets(e.getLeft()));
  }
  return out;
}

function looksLikeModel(o: ObjectLiteralExpression): boolean {
  let n = 0;
  for (const k of ['init', 'actions', 'next', 'properties']) if (o.getProperty(k) !== undefined) n++;
  return n >= 2 && (o.getProperty('actions') !== undefined || o.getProperty('next') !== undefined);
}
