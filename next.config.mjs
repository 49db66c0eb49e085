import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import createNextIntlPlugin from "next-intl/plugin";
import { ensureLocalSecrets } from "./lib/env/local-secrets.mjs";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {(phase: string) => import("next").NextConfig} */
export default function config(phase) {
  // Generate (or load) the embedded default's secrets before any server code reads them.
  if (phase !== PHASE_PRODUCTION_BUILD) ensureLocalSecrets();
  const dev = process.env.NODE_ENV !== "production";
  return withNextIntl({
    // `node .next/standalone/server.js` is what the Docker image runs (see Dockerfile).
    output: "standalone",
    poweredByHeader: false,
    devIndicators: false,
    reactStrictMode: true,
    serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "ccxt"],
    // ccxt's exchange files are loaded by path, one venue at a time (lib/exchanges/ccxt-adapter.ts), which
    // file tracing cannot follow: the standalone output and Vercel's functions get them from here.
    outputFileTracingIncludes: {
      "/**": [
        "./node_modules/ccxt/package.json",
        "./node_modules/ccxt/js/src/{binance,bybit,okx,bitget}.js",
        "./node_modules/ccxt/js/src/abstract/{binance,bybit,okx,bitget}.js",
        "./node_modules/ccxt/js/src/base/**",
        "./node_modules/ccxt/js/src/static_dependencies/**",
        "./node_modules/@noble/**",
        "./node_modules/@scure/**",
        "./node_modules/ws/**",
      ],
    },
    async headers() {
      return [
        {
          source: "/:path*",
          headers: [
            // Pages get their Content-Security-Policy, with a per-request script nonce, from middleware.ts.
            { key: "X-Frame-Options", value: "DENY" },
            { key: "X-Content-Type-Options", value: "nosniff" },
            { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
            { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
            ...(dev ? [] : [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]),
          ],
        },
        // API answers are data, never documents to run: nothing may load or execute in them.
        { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
      ];
    },
  });
}
