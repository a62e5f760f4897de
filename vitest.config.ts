import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites each start their own moto_server; keep the 2-core machine responsive.
    maxWorkers: 2,
  },
});
