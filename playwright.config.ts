import { defineConfig } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 3100)
/** The server's data (database, local backend, kept outputs): fresh for every run. */
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? '.e2e-data'
/** The simulator's upload limit on that server: small, so the upload attacks pass it quickly (the fixtures are far below it). */
export const E2E_MAX_UPLOAD_BYTES = 8 * 1024 * 1024

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    // The production server, built by `npm test` before the e2e run.
    command: `rm -rf ${E2E_DATA_DIR} && npm run start`,
    env: {
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      TAKES_BACKEND: 'local',
      TAKES_DATA_DIR: E2E_DATA_DIR,
      TAKES_LOCAL_CONTROL: '1',
      TAKES_LOCAL_RENDER_MS: '1500',
      // The suite submits far faster than a person; the limits themselves are tested on a server of their own.
      TAKES_RATE_SUBMIT: '100000',
      TAKES_RATE_UPLOAD: '100000',
      TAKES_RATE_LOGIN: '100000',
      TAKES_LOCAL_MAX_UPLOAD_BYTES: String(E2E_MAX_UPLOAD_BYTES),
    },
    url: `http://127.0.0.1:${port}/api/endpoints`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
})
