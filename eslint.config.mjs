// ESLint: typescript-eslint's type-aware recommended rules (issue 15 asks for type-aware linting in
// CI). `npm run lint`; `npm test` runs it first. Two choices of the project's own:
// - require() is allowed: commands load their heavy modules lazily, at first use, on purpose (the
//   start-up figures in docs/benchmarks.md depend on it).
// - tests read the CLI's JSON output as untyped data, so the no-unsafe-* rules do not apply there.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/', 'scripts/', 'bin/', '*.config.js', '*.config.mjs', 'test/integration/globalSetup.js', 'test/fixtures/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // A parameter a port's signature has and an implementation ignores is named _x.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Fakes implement async ports without awaiting anything; jest's expect(obj.method) reads methods unbound.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
