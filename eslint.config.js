// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', '.koppla/', 'admin-ui/dist/', 'admin-ui/dist.build-*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // core/ is pure: no I/O, no process access. Everything that talks to the world lives elsewhere.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:fs*',
                'node:net',
                'node:http*',
                'node:child_process',
                'fs',
                'net',
                'http',
                'https',
                'child_process',
                'mongodb',
                'agenda',
                '@agendajs/*',
              ],
              message: 'core/ does no I/O: move this to runtime/ or a connector.',
            },
            {
              group: ['**/runtime/**', '**/connectors/**'],
              message: 'core/ must not depend on runtime/ or connectors/.',
            },
          ],
        },
      ],
    },
  },
);
