import { defineConfig } from 'vitest/config';

// One run covers unit tests beside the code and integration tests in test/. Integration tests
// talk to real brokers and Elasticsearch; `test/run.js` starts them (or reuses running ones)
// and passes their addresses through CAUSEWAY_TEST_* environment variables.
export default defineConfig({
  test: {
    // UI component tests declare their DOM environment per file (`@vitest-environment happy-dom`).
    include: ['instrumentation/src/**/*.test.ts', 'collector/src/**/*.test.ts', 'ui/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run two at a time; each test uses its own topics, queues and indices.
    maxWorkers: 2,
  },
});
