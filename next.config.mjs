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
    poweredByHeader: false,
    devIndicators: false,
    reactStrictMode: true,
    serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "ccxt"],
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
