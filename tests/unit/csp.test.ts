import { beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import middleware, { config } from "@/middleware";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "csp-auth-secret-0123456789abcdefghijklmnop";
});

const scriptSrc = (policy: string | null) => policy?.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
const nonceOf = (policy: string | null) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];

describe("Content-Security-Policy from the middleware", () => {
  it("gives every page a fresh script nonce and no 'unsafe-inline' for scripts", async () => {
    const [a, b] = [await middleware(new NextRequest("http://127.0.0.1:3000/")), await middleware(new NextRequest("http://127.0.0.1:3000/"))];
    const policy = a.headers.get("content-security-policy");
    expect(scriptSrc(policy)).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
    expect(scriptSrc(policy)).not.toContain("unsafe-inline");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(nonceOf(policy)).not.toBe(nonceOf(b.headers.get("content-security-policy")));
  });

  it("hands the same policy to Next.js in the request, which puts the nonce on its scripts", async () => {
    const response = await middleware(new NextRequest("http://127.0.0.1:3000/login"));
    const policy = response.headers.get("content-security-policy");
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(response.headers.get("x-middleware-override-headers")).toContain("content-security-policy");
  });

  it("keeps the session gate's redirects, with the policy on them too", async () => {
    const response = await middleware(new NextRequest("http://127.0.0.1:3000/dashboard/accounts"));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toContain("/login?callbackUrl=%2Fdashboard%2Faccounts");
    expect(nonceOf(response.headers.get("content-security-policy"))).toBeTruthy();
  });

  it("runs on pages, not on API routes or static files", () => {
    const [matcher] = config.matcher;
    const runs = (path: string) => new RegExp(`^${matcher!.replace("/((?!", "/(?!").replace(").*)", ").*")}$`).test(path);
    for (const page of ["/", "/login", "/dashboard", "/admin/users", "/dev/mailbox", "/reset-password"]) expect(runs(page), page).toBe(true);
    for (const other of ["/api/health", "/_next/static/chunks/a.js", "/icon.svg"]) expect(runs(other), other).toBe(false);
  });
});
