// ESLint, configured once: typescript-eslint's strict rules, lit and web-component rules for the elements, and the
// layering the README describes, enforced as import boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

/** Folders of src/ that pure logic must not reach: storage, workers, the facade, the UI. */
const impure = [
  '**/store/**',
  '**/workers/**',
  '**/facade/**',
  '**/ui/**',
  '**/widget/**',
  'idb',
  'comlink',
  'lit',
  'lit/**',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-lib/**',
      'node_modules/**',
      'models/**',
      'test-results/**',
      'bench/peer-faceapi.js',
      'public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // `_name` marks a parameter that an interface requires but this implementation does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/widget/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/ui/**/*.ts', 'src/widget/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: impure, message: 'src/core is pure: no storage, worker, facade, UI or DOM-library imports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/widget/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../core/**', '../store/**', '../workers/**', '../facade/**', '../types', '../types.ts'],
              message: 'The UI and the widget use only the facade: import from src/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs,js}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
