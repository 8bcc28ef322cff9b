import { defineConfig, globalIgnores } from 'eslint/config'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'
import { fileURLToPath } from 'node:url'
import { serverOnlyModules } from './scripts/server-only-modules.mjs'

const ROOT = fileURLToPath(new URL('.', import.meta.url))
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The local simulator (lib/local-fal), however it is named: `@/lib/local-fal/…`, `../local-fal/…`. */
const SIMULATOR = {
  regex: '(^|/)local-fal(/|$)',
  message: 'Only the simulator’s entry points (app/api/local-fal, instrumentation.ts, scripts, tests) import lib/local-fal. Shared code lives in lib/fal/local-simulator or lib/media.',
}

/** Modules that run only on the server (they, or a module they import, import `server-only`), found afresh on every run. */
const SERVER_ONLY = {
  regex: `^(@/|(\\.\\./)+)(${serverOnlyModules(ROOT).map(escape).join('|')})$`,
  allowTypeImports: true,
  message: 'Components may run in the browser: they never import server-only modules (secrets, the database, the disk). Read the data in a page or route under app/ and pass it in as props.',
}

/** The only places that may start or reach into the simulator. */
const SIMULATOR_ENTRY_POINTS = ['lib/local-fal/**', 'app/api/local-fal/**', 'instrumentation.ts', 'scripts/**', 'tests/**']

/** Refuses static imports matching `patterns`, and dynamic `import()`s of them (esquery's regex may hold no `/`). */
const restrictImports = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
  'no-restricted-syntax': ['error', ...patterns.map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`, message }))],
})

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  { ignores: SIMULATOR_ENTRY_POINTS, rules: restrictImports(SIMULATOR) },
  { files: ['components/**'], rules: restrictImports(SIMULATOR, SERVER_ONLY) },
  globalIgnores(['.next/**', '.next-*/**', '.e2e-data*/**', 'test-results-*/**', 'out/**', 'build/**', 'next-env.d.ts', 'data/**', 'test-results/**', 'playwright-report/**']),
])
