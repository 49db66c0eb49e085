import { defineConfig, mergeConfig } from "vitest/config";
import base from "../vitest.config";

// Benchmarks written as Vitest files (they use the test fixtures and the simulator): run only by `npm run bench`.
export default mergeConfig(
  base,
  defineConfig({
    test: { include: ["bench/**/*.bench.test.ts"], testTimeout: 600_000, hookTimeout: 600_000, maxWorkers: 1 },
  }),
);
