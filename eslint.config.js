// Type-aware lint for synod. Library rooms never print (the engine reports through hooks) and
// never import the CLI; the CLI is the one place that writes to the terminal.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'docs/api/**',
      'eslint.config.js',
      '**/__fixtures__/**',
      'traces/validators.generated.ts',
      'traces/scan.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // The rooms and who may import whom (DESIGN.md): arrows point one way, and no library room
  // imports cli/. Tests may reach further (e.g. a test helper in test/).
  ...Object.entries({
    traces: [],
    'model-check': [],
    quorums: ['traces'],
    spec: ['model-check', 'quorums'],
    impl: ['model-check', 'traces', 'quorums'],
    conformance: ['traces', 'spec', 'model-check', 'quorums'],
  }).map(([room, allowed]) => {
    const forbidden = [
      'traces',
      'model-check',
      'quorums',
      'spec',
      'impl',
      'conformance',
      'cli',
      'bench',
    ].filter((r) => r !== room && !allowed.includes(r));
    return {
      files: [`${room}/**/*.ts`],
      ignores: [`${room}/**/*.test.ts`, `${room}/**/__test-helpers__/**`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: forbidden.map((r) => ({
              group: [`../${r}/*`, `../../${r}/*`, `../../../${r}/*`, `../${r}`, `../../${r}`],
              message: `${room}/ may import ${allowed.length > 0 ? allowed.join(', ') : 'nothing of ours'}, not ${r}/.`,
            })),
          },
        ],
      },
    };
  }),
  {
    files: ['cli/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
