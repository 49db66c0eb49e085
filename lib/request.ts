import { headers } from "next/headers";

export async function requestMeta() {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || h.get("x-real-ip") || null,
    userAgent: h.get("user-agent"),
  };
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
    return url.pathname + url.search + url.hash;
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
