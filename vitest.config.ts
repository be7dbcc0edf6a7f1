import { defineConfig } from 'vitest/config'

// Unit and integration tests sit next to their sources and run under Node;
// user-level scenarios live in e2e/ and run through e2e/run.ts instead.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts', 'packaging/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['src/cli/bundle.globalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
