// First-load JavaScript per page, gzip, from the production build's own manifests. Target (issue 18):
// every dashboard page at most 180 kB; exit 1 when one is over.
//
// Method (Next.js 16, Turbopack build). A page's first load runs:
// - `rootMainFiles` of .next/build-manifest.json: the runtime, React, React DOM and the app router,
//   the same on every page (`polyfillFiles` are `nomodule` scripts a modern browser skips, and the
//   `lowPriorityFiles` belong to the pages router, so neither is counted);
// - the `entryJSFiles` of .next/server/app/<route>/page_client-reference-manifest.js: for each segment
//   of the page's tree (root layout, error boundaries, the group layout, the page) the chunks holding
//   its client components. Their union is what the HTML's <script> tags and the RSC payload ask for
//   (not-found and the like are left out: rendered only on demand, their chunks load only then); chunks reached only through next/dynamic or import() are fetched later and are
//   not in these lists, which is the point of loading heavy parts lazily.
// Each distinct chunk is gzipped once with node:zlib at level 9 (what a static host or CDN serves;
// the default level 6 comes out about 1 % larger) and counted once per page; 1 kB = 1,000 bytes.
// The inline RSC payload in the HTML is data, not a chunk, and is not counted.
// Cross-check (about 10 s; FIRST_LOAD_CHECK=0 skips it, and it is skipped without a system Chromium):
// `next start` on a free port with a scratch PGlite database, /login opened in Playwright's Chromium,
// every /_next/static script the page fetched gzipped and compared with the manifests' chunk set (a
// difference fails the run: the method would be wrong). /login because it needs no signed-in user; the
// dashboard pages are assembled the same way (root main files + their segments' entryJSFiles).
// Builds with `npx next build` only when .next/BUILD_ID is missing.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const root = path.join(path.dirname(new URL(import.meta.url).pathname), "..");
const next = path.join(root, ".next");
const LIMIT_KB = 180;
const ROUTES = [
  "/login",
  "/dashboard",
  "/dashboard/strategies",
  "/dashboard/statistics",
  "/dashboard/orders",
  "/dashboard/accounts",
  "/dashboard/signals",
  "/dashboard/rebalancer",
  "/dashboard/settings",
  "/admin",
  "/admin/users",
  "/admin/signals",
  "/admin/audit",
  "/admin/system",
  "/admin/settings",
  "/admin/ai",
  "/admin/api",
];

if (!existsSync(path.join(next, "BUILD_ID"))) {
  console.log("no production build in .next: running npx next build");
  execFileSync("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
}

// not-found, forbidden and unauthorized are server components rendered only when a page calls
// notFound() and so on: their client chunks are not part of a normal first load (Chromium agrees).
const RENDERED_ON_DEMAND = /\/(not-found|forbidden|unauthorized)$/;

const readJson = (file) => JSON.parse(readFileSync(path.join(next, file), "utf8"));
const buildManifest = readJson("build-manifest.json");
const appPaths = readJson("app-path-routes-manifest.json");
const routeToAppPath = new Map(Object.entries(appPaths).map(([appPath, route]) => [route, appPath]));

const gzipCache = new Map();
function gzipBytes(file) {
  if (!gzipCache.has(file)) gzipCache.set(file, gzipSync(readFileSync(path.join(next, file)), { level: 9 }).length);
  return gzipCache.get(file);
}

function clientManifest(appPath) {
  const file = path.join(next, "server", "app", `${appPath}_client-reference-manifest.js`);
  if (!existsSync(file)) throw new Error(`no client reference manifest for ${appPath} (${file})`);
  const context = { globalThis: {} };
  context.self = context.globalThis;
  vm.runInNewContext(readFileSync(file, "utf8"), context);
  const manifests = context.globalThis.__RSC_MANIFEST;
  return manifests[appPath] ?? Object.values(manifests)[0];
}

export function firstLoadChunks(route) {
  const appPath = routeToAppPath.get(route);
  if (!appPath) throw new Error(`${route} is not an app route of this build`);
  const shared = buildManifest.rootMainFiles;
  const entries = Object.entries(clientManifest(appPath).entryJSFiles).filter(([entry]) => !RENDERED_ON_DEMAND.test(entry));
  const own = new Set(entries.flatMap(([, files]) => files));
  for (const file of shared) own.delete(file);
  return { shared, own: [...own] };
}

const kb = (bytes) => (bytes / 1000).toFixed(1);
const sum = (files) => files.reduce((total, file) => total + gzipBytes(file), 0);

const sharedBytes = sum(buildManifest.rootMainFiles);
const rows = ROUTES.filter((route) => routeToAppPath.has(route)).map((route) => {
  const { own } = firstLoadChunks(route);
  const total = sharedBytes + sum(own);
  const capped = route.startsWith("/dashboard");
  return { route, own: sum(own), total, capped, over: capped && total > LIMIT_KB * 1000 };
});

console.log(`first-load JavaScript, gzip level 9, build ${readFileSync(path.join(next, "BUILD_ID"), "utf8").trim()}`);
console.log(`shared by every page (rootMainFiles): ${kb(sharedBytes)} kB`);
console.log(`${"route".padEnd(26)}${"page chunks".padStart(13)}${"first load".padStart(13)}  target`);
for (const row of rows) {
  const target = row.capped ? (row.over ? `OVER ${LIMIT_KB} kB` : `<= ${LIMIT_KB} kB ok`) : "";
  console.log(`${row.route.padEnd(26)}${`${kb(row.own)} kB`.padStart(13)}${`${kb(row.total)} kB`.padStart(13)}  ${target}`);
}

if (process.env.FIRST_LOAD_CHECK !== "0") await crossCheck("/login");

const over = rows.filter((row) => row.over);
if (over.length) {
  console.error(`over ${LIMIT_KB} kB: ${over.map((row) => row.route).join(", ")}`);
  process.exitCode = 1;
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function crossCheck(route) {
  const { chromium } = await import("@playwright/test");
  const { findChromium } = await import(path.join(root, "scripts", "find-chromium.mjs"));
  if (!findChromium()) {
    console.log("cross-check skipped: no system Chromium (scripts/find-chromium.mjs)");
    return;
  }
  const port = await freePort();
  const pglite = mkdtempSync(path.join(tmpdir(), "first-load-pglite-"));
  // The settings the production server refuses to start without; a scratch PGlite database, no email.
  const env = {
    ...process.env,
    NODE_ENV: "production",
    AUTH_SECRET: "first-load-bench-auth-secret-0123456789abcdefghijklmnop",
    ENCRYPTION_KEY: "first-load-bench-encryption-key-0123456789abcdefghijk",
    AUTH_URL: `http://127.0.0.1:${port}`,
    APP_URL: `http://127.0.0.1:${port}`,
    TRUSTED_PROXY_HOPS: "0",
    EMAIL_DISABLED: "true",
    PGLITE_DIR: pglite,
  };
  delete env.DATABASE_URL;
  const server = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
  let exited = false;
  server.on("exit", () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 120 && !exited; i++) {
      if (await fetch(`${base}${route}`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (exited) throw new Error("next start exited before answering");
    const browser = await chromium.launch({ executablePath: findChromium(), args: ["--no-sandbox"] });
    const page = await browser.newPage();
    const scripts = new Set();
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (request.resourceType() === "script" && url.pathname.startsWith("/_next/static/")) scripts.add(url.pathname.slice("/_next/".length));
    });
    await page.goto(`${base}${route}`, { waitUntil: "networkidle" });
    await browser.close();
    const { shared, own } = firstLoadChunks(route);
    const expected = new Set([...shared, ...own]);
    const loaded = [...scripts].map(decodeURIComponent);
    const missing = [...expected].filter((file) => !scripts.has(file) && !loaded.includes(file));
    const extra = loaded.filter((file) => !expected.has(file));
    console.log(`cross-check ${route} in Chromium: ${loaded.length} scripts, ${kb(sum(loaded))} kB gzip; manifests say ${expected.size} chunks, ${kb(sum([...expected]))} kB`);
    if (missing.length) console.log(`  in the manifests, not fetched: ${missing.join(", ")}`);
    if (extra.length) console.log(`  fetched, not in the manifests: ${extra.join(", ")}`);
    if (missing.length || extra.length) process.exitCode = 1;
  } finally {
    if (!exited) process.kill(-server.pid, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(pglite, { recursive: true, force: true });
  }
}
