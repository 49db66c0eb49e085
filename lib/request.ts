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
 * (outside production) the one entry `next dev` itself writes from the socket, else nothing at all.
 */
export function proxyTrust(e = env()): ProxyTrust {
  if (e.TRUSTED_PROXY_HOPS !== undefined) return e.TRUSTED_PROXY_HOPS;
  if (process.env.VERCEL) return "vercel";
  return e.NODE_ENV === "production" ? 0 : 1;
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
