import { defineConfig } from 'vitest/config';
import { sharedSourceAliases } from './build/aliases.js';

/**
 * One test command for the whole repository: unit tests next to the code in every package,
 * integration tests of the server on port 0, and browser scenarios in real Chromium (e2e/).
 */
export default defineConfig({
  resolve: { alias: sharedSourceAliases() },
  test: {
    reporters: ['default', './build/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['shared/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'server', include: ['server/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'client', include: ['client/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Browser scenarios each start their own server and Chromium; on two cores they run best one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
