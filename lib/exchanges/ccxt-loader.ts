import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Exchange } from "ccxt";
import type { ExchangeId } from "./types";

export type CcxtExchangeId = Exclude<ExchangeId, "paper">;

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

// Loading one exchange's file costs ~0.15-0.3 s; `import("ccxt")` loads all of them (~0.4 s and more
// memory), which matters in serverless functions. The per-exchange files are not in ccxt's exports
// map, so they are imported by path.
const classes = new Map<CcxtExchangeId, Promise<ExchangeClass>>();

/**
 * Where ccxt's files are. The project's own node_modules first (the dev server, `next start`, the standalone
 * output and Vercel's functions all run with the app's directory as cwd); Node's resolution after that.
 * Never trust the resolution alone: a bundler may answer it with a virtual module id, not a path.
 */
function ccxtRoot(): string {
  const candidates = [path.join(process.cwd(), "node_modules", "ccxt")];
  try {
    const nodeRequire = createRequire(import.meta.url);
    candidates.push(path.resolve(path.dirname(nodeRequire.resolve("ccxt")), ".."));
  } catch {
    // Not resolvable from here: the candidates above stand.
  }
  return candidates.find((dir) => path.isAbsolute(dir) && existsSync(path.join(dir, "js", "src", "binance.js"))) ?? candidates[0]!;
}

export function loadExchangeClass(id: CcxtExchangeId): Promise<ExchangeClass> {
  let loading = classes.get(id);
  if (!loading) {
    const file = pathToFileURL(path.join(ccxtRoot(), "js", "src", `${id}.js`)).href;
    loading = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ file).then(
      (mod: { default: ExchangeClass }) => mod.default,
    );
    loading.catch(() => classes.delete(id));
    classes.set(id, loading);
  }
  return loading;
}

/** Rewrites every API URL to the override origin, keeping paths; returns the pairs for error lookups. */
export function pointAt(exchange: Exchange, base: string): [string, string][] {
  const pairs: [string, string][] = [];
  const origin = base.replace(/\/$/, "");
  const walk = (node: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string" && /^https?:\/\//.test(value)) {
        const rewritten = value.replace(/^https?:\/\/[^/]+/, origin);
        pairs.push([rewritten, value]);
        node[key] = rewritten;
      } else if (value && typeof value === "object") {
        walk(value as Record<string, unknown>);
      }
    }
  };
  walk(exchange.urls.api as Record<string, unknown>);
  // Some exchanges choose error tables by the original host name: answer them with the original URL.
  const original = (exchange as unknown as { getExceptionsByUrl?: (url: string, kind: string) => unknown }).getExceptionsByUrl;
  if (original) {
    const sorted = [...pairs].sort((a, b) => b[0].length - a[0].length);
    (exchange as unknown as { getExceptionsByUrl: (url: string, kind: string) => unknown }).getExceptionsByUrl = (url, kind) => {
      const hit = sorted.find(([rewritten]) => url.startsWith(rewritten));
      return original.call(exchange, hit ? hit[1] + url.slice(hit[0].length) : url, kind);
    };
  }
  return pairs;
}
