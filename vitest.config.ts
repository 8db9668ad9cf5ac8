import { defineConfig } from 'vitest/config';

/**
 * Three tiers: unit (pure, no I/O), integration (DynamoDB Local + SaaS fakes + the real
 * SDKs, started by test/support/global-setup.ts), infra (CDK template assertions).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000 } },
    ],
  },
});
