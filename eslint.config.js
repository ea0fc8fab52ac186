import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Parts, top to bottom (DESIGN.md §2). A part may import only parts below it.
// `config` sits above `model` here (DESIGN.md lists it last) because it reports errors with the model's one error type.
const layers = [
  'cli',
  'mcp',
  'receiver',
  'workflow',
  'spec',
  'analysis',
  'backends',
  'store',
  'config',
  'model',
];
const layerRules = layers.map((layer, index) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: layers.slice(0, index).map((above) => ({
          group: [`**/${above}/*`, `../${above}/**`],
          message: `src/${layer} sits below src/${above}: imports point downward only (DESIGN.md §2).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  ...layerRules,
  { files: ['test/**', 'bench/**', 'scripts/**', 'examples/**'], rules: { 'no-console': 'off' } },
  // Instrumented example services are CommonJS so the OpenTelemetry require hooks can patch them.
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
