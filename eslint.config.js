// Lint rules for the TypeScript and JavaScript in the tree (`npm run lint`). Formatting is
// prettier's job (.prettierrc.json); these rules catch mistakes, not style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'build-asan/**', 'node_modules/**', 'reports/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
        globalThis: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        fetch: 'readonly',
        WebAssembly: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // The reference kernels count `arguments` to reject an extra positional argument exactly as the
    // native binding does (rest parameters would hide the count behind the declared ones).
    files: ['lib/backend/reference*.ts'],
    rules: { 'prefer-rest-params': 'off' },
  },
  {
    // Tests match terminal output, ANSI escapes included.
    files: ['test/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
);
