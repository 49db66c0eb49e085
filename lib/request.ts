import { isIP } from "node:net";
import { headers } from "next/headers";
import { env } from "@/lib/env";

export async function requestMeta() {
  const h = await headers();
  return { ip: clientIp(h), userAgent: h.get("user-agent") };
}

export type ProxyTrust = number | "vercel";

/**
 * How far X-Forwarded-For is believed: TRUSTED_PROXY_HOPS, else Vercel's own header on Vercel, else
 * nothing (production refuses to start without one of the two: lib/env). Not even `next dev`'s own
 * entry is believed by default: Next.js keeps an X-Forwarded-For the client sent, so a browser could
 * claim to be 127.0.0.1.
 */
export function proxyTrust(e = env()): ProxyTrust {
  if (e.TRUSTED_PROXY_HOPS !== undefined) return e.TRUSTED_PROXY_HOPS;
  return process.env.VERCEL ? "vercel" : 0;
}

/**
 * The client's address, or null when it cannot be known. Each trusted proxy appends the address it saw
 * to X-Forwarded-For, so with N hops the Nth entry from the right is the client; anything left of it
 * was written by the client and is ignored. Next.js's own server fills an absent X-Forwarded-For with
 * the socket address but keeps one the client sent, so with no proxy (0 hops) the header proves
 * nothing and the address is unknown: route handlers are never given the socket itself.
 */
export function clientIp(h: Headers, trust: ProxyTrust = proxyTrust()): string | null {
  if (trust === "vercel") {
    // Vercel overwrites both with the address its edge saw (a client's own value never gets through).
    return validIp(h.get("x-real-ip")) ?? validIp(h.get("x-forwarded-for")?.split(",")[0]);
  }
  if (trust <= 0) return null;
  const hops = (h.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return validIp(hops[hops.length - trust]);
}

function validIp(value: string | null | undefined): string | null {
  const ip = value?.trim();
  return ip && isIP(ip) ? ip : null;
}

/** The eight 16-bit groups of an IPv6 address (a zone id dropped, a dotted IPv4 tail read), or null. */
function ipv6Groups(ip: string): number[] | null {
  let text = ip.split("%")[0]!.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, tail.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const head = part(halves[0]);
  const rest = part(halves[1]);
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - rest.length).fill(0), ...rest] : head;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Unknown addresses (no trusted proxy) share one bucket, allowed this many times the per-address limit. */
export const UNKNOWN_ADDRESS_LIMIT_FACTOR = 10;

/**
 * What every per-address limit counts under. An IPv4-mapped IPv6 address is its IPv4 address, and an
 * IPv6 address counts as its /64 (one subscriber's prefix: rotating within it would otherwise give
 * 2^64 fresh buckets). An unknown address (see clientIp) goes to one shared bucket with a limit
 * UNKNOWN_ADDRESS_LIMIT_FACTOR times larger: with no proxy to name clients, a flood still meets a
 * ceiling, at the price that a large enough one slows everybody (the per-account limits stay per account).
 */
export function addressBucket(ip: string | null): { key: string; limitFactor: number } {
  const version = ip ? isIP(ip.split("%")[0]!) : 0;
  if (!ip || version === 0) return { key: "unknown", limitFactor: UNKNOWN_ADDRESS_LIMIT_FACTOR };
  if (version === 4) return { key: ip, limitFactor: 1 };
  const g = ipv6Groups(ip);
  if (!g) return { key: "unknown", limitFactor: UNKNOWN_ADDRESS_LIMIT_FACTOR };
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return { key: [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join("."), limitFactor: 1 };
  }
  return { key: `${g.slice(0, 4).map((x) => x.toString(16)).join(":")}::/64`, limitFactor: 1 };
}

export function isLoopback(ip: string | null): boolean {
  return ip !== null && (ip === "::1" || ip.startsWith("127.") || ip.startsWith("::ffff:127."));
}

/** Only same-site relative paths are followed after login, never another origin. */
export function safeRedirectPath(value: unknown, fallback = "/dashboard"): string {
  // Control characters and backslashes are refused outright: browsers drop tabs and newlines, so
  // "/\t/evil.example" would otherwise become "//evil.example" (and a newline breaks the header).
  if (typeof value !== "string" || !value.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  try {
    const base = "http://same.origin.invalid";
    const url = new URL(value, base);
    if (url.origin !== base) return fallback;
    const path = url.pathname + url.search + url.hash;
    // Dot segments are resolved only now: "/.//evil.example" has become "//evil.example", which a browser
    // reads as another host. The result must itself be a same-origin path.
    if (!path.startsWith("/") || path.startsWith("//") || /[\u0000-\u001f\u007f\\]/.test(path)) return fallback;
    if (new URL(path, base).origin !== base) return fallback;
    return path;
  } catch {
    return fallback;
  }
}

/**
 * A redirect with a relative Location: behind a proxy or with `next start -H`, `request.url` may carry
 * a different host than the browser used, and the session cookie would not follow an absolute one.
 */
export function relativeRedirect(path: string, status = 307) {
  return new Response(null, { status, headers: { Location: path, "Cache-Control": "no-store" } });
}
