// `synod lint <model>`: read a user's model source (never run it) and report what would make the
// search wrong or slow, each finding with file:line:column, its rule and the fix. Exit 150 when any
// finding is an error; warnings alone exit 0.

import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { isLintableFile, lintModel, lintRules, type LintFinding } from '../../model-check/index.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../Command.js';
import { summaryOf } from '../registry.js';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { style, type Style } from '../render/style.js';

const NAME = 'lint';

function help(): string {
  const width = Math.max(...lintRules.map((r) => r.id.length));
  const rules = lintRules.flatMap((r) => [
    `  ${r.id.padEnd(width)}  ${r.summary}${r.severity === 'warning' ? ' (warning)' : ''}`,
    `  ${' '.repeat(width)}    e.g. ${r.example}`,
  ]);
  return `Usage: synod lint <model.ts|model.js|model.mjs> [--export NAME] [--json]

Read a model's source (it is not run) and report what would make the model checker wrong:
a Model must be a deterministic function of (state, action) that never changes the state it
is given, and it must enumerate actions in an order that equal states agree on. Lint looks at
the export's init, actions, next, properties and boundary, and at the helpers they call.

Rules:
${rules.join('\n')}

Options:
  --export NAME   the export holding the model, or the function from constants to a model
                  (default: the default export; without one, every export that is a model)
  --json          print one JSON object: { file, findings: [{ rule, severity, message, fix,
                  file, line, column }], errors, warnings }

Each finding prints as  file:line:column  rule  message, then how to fix it.

Exit codes: 0 no errors (warnings allowed), 150 errors found or bad arguments (no such file,
            not a .ts/.mts/.cts/.js/.mjs/.cjs module).

Examples:
  synod lint ./my-paxos/model.ts
  synod lint ./model.mjs --export counter --json
`;
}

/** A path as the user would write it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function renderFinding(f: LintFinding, s: Style): string {
  const rule = f.severity === 'error' ? s.red(f.rule) : `${s.yellow(f.rule)} ${s.dim('(warning)')}`;
  return `${s.bold(`${shown(f.file)}:${f.line}:${f.column}`)}  ${rule}  ${f.message}\n    ${s.dim('fix:')} ${f.fix}\n`;
}

function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    export: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length === 0) {
    throw new UsageError('E_ARG_MISSING', 'which model file? (e.g. synod lint ./model.ts)', NAME);
  }
  if (positionals.length > 1) {
    throw new UsageError(
      'E_ARG_EXTRA',
      `one model file at a time, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
      NAME,
    );
  }
  const file = positionals[0]!;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError('E_MODEL_NOT_FOUND', `no such file: ${file}`, NAME);
  }
  if (!isLintableFile(file)) {
    throw new UsageError(
      'E_MODEL_EXTENSION',
      `${file}: a model is a .ts, .mts, .cts, .js, .mjs or .cjs module`,
      NAME,
    );
  }
  const exportName = typeof values['export'] === 'string' ? values['export'] : undefined;
  const { findings } = lintModel(file, exportName === undefined ? {} : { exportName });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (values['json'] === true) {
    io.out(
      JSON.stringify({
        file,
        findings: findings.map((f) => ({ ...f, file: shown(f.file) })),
        errors,
        warnings,
      }) + '\n',
    );
  } else {
    const s = style(io.color);
    for (const f of findings) io.out(renderFinding(f, s));
    if (findings.length > 0) io.out('\n');
    if (errors > 0) {
      io.out(
        `${s.red('✗')} ${file}: ${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}\n`,
      );
    } else {
      io.out(
        `${s.green('✓')} ${file}: ${warnings > 0 ? `no errors, ${plural(warnings, 'warning')}` : 'no findings'}\n`,
      );
    }
  }
  return Promise.resolve(errors > 0 ? ExitCode.badInput : ExitCode.ok);
}

export const lintCommand: Command = {
  name: NAME,
  summary: summaryOf(NAME),
  help,
  run,
};
