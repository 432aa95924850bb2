// Lint rules: typescript-eslint's recommended set, plus the import boundary that keeps core/ and
// methodologies/ pure (no AWS, no file system, no process environment).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impure = ['@aws-sdk/*', 'aws-lambda', 'aws-cdk-lib', 'aws-cdk-lib/*', 'node:fs', 'node:fs/*', 'fs', 'fs/*', '@aws-lambda-powertools/*'];
// The floors above core/: whatever the path form (subpath import, relative, absolute), core/ and
// methodologies/ never import from functions/, cli/ or infra/. `**/` catches ../../functions/x.ts,
// ./../cli/y.ts and /abs/path/infra/z.ts alike.
// A leading # starts a comment in these gitignore-style patterns: subpath imports need it escaped.
const upperFloors = [
  '\\#functions',
  '\\#functions/**',
  '\\#cli/**',
  '\\#infra/**',
  '**/functions',
  '**/functions/**',
  '**/cli',
  '**/cli/**',
  '**/infra',
  '**/infra/**',
];

// A methodology module's own code (methodologies/<id>/<version>/, tests aside) imports from core/ only
// through the authoring entry point, so the engine can change without touching modules.
// gitignore semantics: a file cannot be re-included below an excluded folder, so the folders of core/ are
// excluded by their contents (`*/**`) and its top-level files by name.
const coreInternals = [
  '\\#core/*/**',
  '\\#core/*.ts',
  '\\#core/errors',
  '!\\#core/methodology/authoring',
  '**/core/*/**',
  '**/core/*.ts',
  '**/core/errors',
  '!**/core/methodology/authoring.ts',
  '!**/core/methodology/authoring',
];
const pureMessage = { group: impure, message: 'core/ and methodologies/ are pure: no AWS, no file system. Put I/O in functions/ or cli/.' };
const fenceMessage = { group: upperFloors, message: 'core/ and methodologies/ never import from functions/, cli/ or infra/ (the floors above them).' };

// Functions in core/ stay small enough to read and test: complexity ≤ 25 and ≤ 120 lines (blank lines and
// comments aside), in every file, with no exemption list (issue 15 emptied the backlog).

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.mrv/**', 'bench-data/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**/*.ts', 'methodologies/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [pureMessage, fenceMessage] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'core/ and methodologies/ do not read the process environment.' }],
    },
  },
  {
    files: ['methodologies/*/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pureMessage,
            fenceMessage,
            { group: coreInternals, message: 'A methodology module imports from core/ only through #core/methodology/authoring (the authoring entry point).' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      complexity: ['error', 25],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
);
