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
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}

/**
 * A redirect with a relative Location: behind a proxy or with `next start -H`, `request.url` may carry
 * a different host than the browser used, and the session cookie would not follow an absolute one.
 */
export function relativeRedirect(path: string, status = 307) {
  return new Response(null, { status, headers: { Location: path, "Cache-Control": "no-store" } });
}
