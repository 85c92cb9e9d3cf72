import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'data/**',
      '.e2e/**',
      'db/migrations/**',
      'next-env.d.ts',
      'test-results/**',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Pages render dynamic, user-controlled payloads; keep the one place we inject HTML explicit.
      'react/no-danger': 'error',
    },
  },
  {
    // Tests read JSON responses whose shape the assertions check.
    files: ['test/**', '**/*.test.ts', 'e2e/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['app/layout.tsx'],
    rules: { 'react/no-danger': 'off' },
  },
];

export default config;
