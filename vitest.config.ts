import { defineConfig } from 'vitest/config'

// Unit and integration tests sit next to their sources and run under Node;
// user-level scenarios live in e2e/ and run through e2e/run.ts instead.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts', 'packaging/**/*.test.ts'],
    environment: 'node',
    // The second creates the rendezvous of the run's shared PostgreSQL cluster (started on first use).
    globalSetup: ['src/cli/bundle.globalSetup.ts', 'src/core/team/testing/pgCluster.globalSetup.ts'],
    // Safety nets, not targets: on a loaded 2-core machine one CLI process (Node from source)
    // takes several seconds, and a hook that runs three of them overran 20 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
