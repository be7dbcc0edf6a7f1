import { defineConfig } from '@playwright/test'

// One config, two drivers: E2E_DRIVER=electron|browser picks how the app is launched
// (see e2e/drivers); the specs only talk to the UI. e2e/run.ts runs each available driver.
export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: `../test-results/e2e-${process.env.E2E_DRIVER ?? 'browser'}.json` }]],
  use: { trace: 'off', screenshot: 'only-on-failure' },
})
