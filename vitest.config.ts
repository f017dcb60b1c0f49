import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Server modules import "server-only" to keep them out of the browser bundle; Node's
      // default export condition of that package throws on purpose, Next picks its empty one.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    globalSetup: ["tests/setup/global-db.ts"],
    setupFiles: ["tests/setup/file-db.ts"],
    // Each file gets its own database, so files can run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      BETTER_AUTH_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
      // Tests fire many requests with one key; the rate-limit test sets its own limit.
      GLAZE_API_RATE_LIMIT_PER_MINUTE: "1000000",
    },
    reporters: process.env.CI_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.CI_JSON_REPORT }]]
      : ["default"],
  },
});
