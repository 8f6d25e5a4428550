import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-artifacts/', '.state/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine takes undici's values from http/undici.ts only: the index loads fetch, WebSocket,
    // the mock agent and caches into every provisioning process (types are free).
    files: ['agent-core/src/**/*.ts'],
    ignores: ['agent-core/src/http/undici.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'undici', message: 'Import from agent-core/src/http/undici.ts (types may come from undici).', allowTypeImports: true }] }],
    },
  },
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: tseslint.parser, svelteConfig: {} } },
    rules: {
      // TypeScript already resolves names; template handlers are idiomatically `() => wizard.go(…)`.
      'no-undef': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['bin/*.js', 'bin/*.cjs', 'agent-core/src/**/*.cjs', 'eslint.config.js', 'rolldown.config.js', 'test-support/*.mjs', 'scripts/*.mjs', 'stryker/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly' } },
  },
  {
    files: ['bin/*.cjs', 'agent-core/src/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly', module: 'writable' } },
    // The boot-time CLI is CommonJS on purpose (rolldown.config.js explains why).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
