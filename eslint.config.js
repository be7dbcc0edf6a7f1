import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

// Layers by folder: each may import only what sits below it.
//   shared   → nothing but pure libraries (zod, libphonenumber-js)
//   core     → shared, Node, libraries — never Electron or Vue
//   main     → core, shared, electron (electron only in index.ts and electron/)
//   preload  → electron, shared
//   renderer → shared, Vue, Pinia — never electron, Node or core
//   cli      → core, shared, Node
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'worker_threads']
const layer = (name) => ({ group: [`**/${name}/**`, `../${name}/*`], message: `This layer may not import from src/${name}.` })
const rule = (patterns, paths = []) => ['error', { patterns, paths }]
const electron = { name: 'electron', message: 'Only the Electron entry (src/main/index.ts, src/main/electron/) and the preload may import electron.' }
const vueLibs = ['vue', 'pinia', 'vue-router', '@tanstack/vue-virtual'].map((name) => ({ name, message: 'Vue belongs to the renderer.' }))
// Core serves the console and the CLI alike: its types come from src/shared/domain, never the IPC contract.
const ipcTransport = { group: ['**/shared/ipc/**'], message: 'Core never imports the IPC transport; domain types live in src/shared/domain.' }
const nodeGroup = { group: NODE_BUILTINS, message: 'Node APIs are not available in this layer.' }

export default tseslint.config(
  { ignores: ['out/**', 'out-cli/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.e2e-data/**', '.bench-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // CommonJS on purpose (bin/bundleFreshness.cjs: start-up time, see DEVELOPERS.md "CLI").
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/shared/**'],
    rules: { 'no-restricted-imports': rule([layer('core'), layer('main'), layer('preload'), layer('renderer'), layer('cli'), nodeGroup], [electron, ...vueLibs]) },
  },
  {
    // Tests of shared code may read fixtures from disk; the shipped code may not.
    files: ['src/shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': rule([layer('core'), layer('main'), layer('preload'), layer('renderer'), layer('cli')], [electron, ...vueLibs]) },
  },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': rule([layer('main'), layer('preload'), layer('renderer'), layer('cli'), ipcTransport], [electron, ...vueLibs]) },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: { 'no-restricted-imports': rule([layer('preload'), layer('renderer'), layer('cli')], [electron, ...vueLibs]) },
  },
  {
    files: ['src/main/index.ts', 'src/main/electron/**'],
    rules: { 'no-restricted-imports': rule([layer('preload'), layer('renderer'), layer('cli')], vueLibs) },
  },
  {
    files: ['src/preload/**'],
    rules: { 'no-restricted-imports': rule([layer('core'), layer('main'), layer('renderer'), layer('cli'), nodeGroup], vueLibs) },
  },
  {
    files: ['src/renderer/**'],
    rules: { 'no-restricted-imports': rule([layer('core'), layer('main'), layer('preload'), layer('cli'), nodeGroup], [electron]) },
  },
  {
    files: ['src/cli/**'],
    rules: { 'no-restricted-imports': rule([layer('main'), layer('preload'), layer('renderer')], [electron, ...vueLibs]) },
  },
  {
    files: ['e2e/**', 'bench/**'],
    rules: {
      'no-restricted-imports': rule([layer('renderer')], vueLibs),
      // Playwright fixtures declare their dependencies with an object pattern, often empty.
      'no-empty-pattern': 'off',
    },
  },
)
