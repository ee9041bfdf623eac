// Arbitraries the traces tests share.
import fc from 'fast-check';

/**
 * Strings that take a writer's slow paths: escapes, non-ASCII, astral pairs, lone surrogates,
 * DEL and C1 controls, line separators; up to `parts` pieces joined.
 */
export function trickyString(parts: number): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'a',
          'é',
          '\ud800',
          '\udfff',
          '😀',
          '"',
          '\\',
          '\n',
          '\u001f',
          '\u007f',
          '\u0080',
          '\u2028',
        ),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
      { maxLength: parts },
    )
    .map((xs) => xs.join(''));
}
