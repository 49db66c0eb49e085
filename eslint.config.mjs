import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // `const { id: _id, ...rest } = row` is how this code drops fields: the named-out siblings are the point.
      "@typescript-eslint/no-unused-vars": ["warn", { ignoreRestSiblings: true, argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["tests/**", "bench/**"],
    rules: {
      // No React in tests or benchmarks: `useTestDatabase()` is a Vitest setup helper (beforeAll/afterAll), not a hook.
      "react-hooks/rules-of-hooks": "off",
    },
  },
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    "screenshots/**",
    "db/migrations/**",
    "next-env.d.ts",
  ]),
]);
