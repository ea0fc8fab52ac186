import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The parts of src/ and what each may import (besides itself): a graph, not a line. The pure core
// (tracespec, analysis) sees only the model; receiver and store know nothing of each other or of the
// parts above them; only the embedded adapter of backends reaches into the store.
const allowed = {
  cli: [
    'mcp',
    'web',
    'views',
    'receiver',
    'workflow',
    'tracespec',
    'analysis',
    'backends',
    'store',
    'otlp',
    'config',
    'model',
  ],
  mcp: ['workflow', 'views', 'tracespec', 'analysis', 'backends', 'store', 'config', 'model'],
  // The serve --ui pages: loads through mcp's view models, checks requests as MCP over HTTP does.
  web: ['mcp', 'views', 'model'],
  // View models of the pictures: pure, built from the comparison and analysis results.
  views: ['tracespec', 'analysis', 'model'],
  // The code that runs in the browser: it sees only the view models' types.
  browser: ['views'],
  workflow: ['tracespec', 'analysis', 'store', 'config', 'model'],
  receiver: ['otlp', 'model'],
  backends: ['store', 'otlp', 'config', 'model'],
  tracespec: ['model'],
  analysis: ['model'],
  // The store keeps a span's body as its OTLP Span message (otlp/span-message.ts).
  store: ['otlp', 'model'],
  // The OTLP wire codec, below the receiver and the backends that speak OTLP.
  otlp: ['model'],
  config: ['model'],
  model: [],
};
const parts = Object.keys(allowed);
const forbidden = (part, extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...parts
          .filter((other) => other !== part && !allowed[part].includes(other))
          .map((other) => ({
            group: [`**/${other}/*`, `../${other}/**`, `../../${other}/**`, `../../../${other}/**`],
            message: `src/${part} may import only ${allowed[part].join(', ') || 'nothing outside itself'}: not src/${other} (the parts' graph is in eslint.config.js).`,
          })),
        ...extra,
      ],
    },
  ],
});
// Pure parts: no I/O, so no Node built-ins either.
const pure = [
  {
    group: ['node:*'],
    message:
      'tracespec, analysis, views and browser are pure: no Node built-ins (I/O lives in receiver, store, backends, workflow).',
  },
];
const layerRules = [
  ...parts.map((part) => ({
    files: [`src/${part}/**/*.ts`],
    rules: forbidden(part, ['tracespec', 'analysis', 'views', 'browser'].includes(part) ? pure : []),
  })),
  // The store is reached only through the embedded adapter.
  {
    files: ['src/backends/**/*.ts'],
    ignores: ['src/backends/embedded/**'],
    rules: forbidden('backends', [
      {
        group: ['**/store/*', '../store/**', '../../store/**'],
        message: 'only src/backends/embedded may import src/store.',
      },
    ]),
  },
];

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
