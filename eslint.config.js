// Flat config: typescript-eslint strict + React hooks, plus the project's own guard rails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** The extension makes no network requests of its own (product principle 1). */
const noOwnNetwork = [
  { name: 'fetch', message: 'Tokenwise makes no network requests of its own.' },
  { name: 'XMLHttpRequest', message: 'Tokenwise makes no network requests of its own.' },
  { name: 'WebSocket', message: 'Tokenwise makes no network requests of its own.' },
  { name: 'EventSource', message: 'Tokenwise makes no network requests of its own.' },
];

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'tests/demo/public/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Non-null assertions are used where an index was just checked; noUncheckedIndexedAccess is on.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Shipped code: no network APIs. The capture wrappers refer to them only to wrap the page's own.
    files: ['entrypoints/**', 'utils/**', 'components/**'],
    ignores: ['utils/capture/**'],
    rules: {
      'no-restricted-globals': ['error', ...noOwnNetwork],
      'no-restricted-properties': [
        'error',
        { object: 'navigator', property: 'sendBeacon', message: 'Tokenwise makes no network requests of its own.' },
        { object: 'window', property: 'fetch', message: 'Tokenwise makes no network requests of its own.' },
      ],
    },
  },
  {
    files: ['tests/**', '*.config.ts', '*.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
