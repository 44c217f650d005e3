import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Node loads `graphql` as CommonJS for the libraries (yoga, Pothos); without this alias vite would
// give our own source files its ES module build, a second copy whose GraphQLError yoga does not
// recognise (every refusal would then reach clients masked as INTERNAL_SERVER_ERROR).
const graphqlEntry = createRequire(new URL('./server/package.json', import.meta.url)).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: ['server/src/**/*.test.ts', 'server/test/**/*.test.ts', 'web/tests/**/*.test.ts'],
    globalSetup: ['server/test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // two cores: two test files at a time, each with a database of its own
    maxWorkers: 2,
    // CI also keeps a machine-readable summary, for the closing line .ci/run prints
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
