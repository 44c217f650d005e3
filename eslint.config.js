// Recommended rules of ESLint, typescript-eslint and eslint-plugin-svelte, with the few turned off
// that the code breaks on purpose (listed with the reason); formatting is Prettier's, not ESLint's.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: [
      '**/node_modules/',
      'server/src/generated/',
      'server/dist/',
      'web/.svelte-kit/',
      'web/build/',
      'web/src/lib/gql/',
      'test-results/',
      'bench-results/',
      '.data/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // settings, credentials and wire-format JSON are open-ended records; typing each network's
      // payloads fully would be a rewrite of working adapters
      '@typescript-eslint/no-explicit-any': 'off',
      // `_` marks a parameter kept for its position
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // an empty catch means "absent or unreadable is fine here" (an optional file, a non-JSON line)
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['web/**'],
    rules: {
      // the dashboard is served at / with no paths.base, and most links only change the query
      // string of the page they are on: resolve() would add nothing
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
);
