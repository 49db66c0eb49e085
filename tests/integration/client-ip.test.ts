import { beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

// What each request carries; the tests forge X-Forwarded-For the way an attacker would.
const incoming = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({ headers: async () => incoming.headers }));

const { requestMeta } = await import("@/lib/request");
const { checkAuthRateLimit } = await import("@/lib/auth/rate-limit");

useTestDatabase();
const LIMIT = 5;

function withHops(hops: string) {
  process.env.TRUSTED_PROXY_HOPS = hops;
  resetEnvForTests();
}

/** One sign-in attempt the way the login action makes it: the address from requestMeta, then the limit. */
async function attempt(xff: string) {
  incoming.headers = new Headers({ "x-forwarded-for": xff, "user-agent": "vitest" });
  const { ip } = await requestMeta();
  return { ip, ...(await checkAuthRateLimit("login", ip)) };
}

beforeAll(() => {
  Object.assign(process.env, {
    AUTH_SECRET: "client-ip-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "client-ip-master-key-0123456789abcdefghijk",
    AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
  });
  delete process.env.VERCEL;
});

describe("a forged X-Forwarded-For", () => {
  it("behind one trusted proxy: rotating the forged entry does not escape the per-IP limit", async () => {
    withHops("1");
    const results = [];
    // The attacker writes a new left-most address each time; the proxy appends the one it really saw.
    for (let i = 0; i < LIMIT + 3; i++) results.push(await attempt(`10.9.${i}.1, 198.51.100.50`));
    expect(new Set(results.map((r) => r.ip))).toEqual(new Set(["198.51.100.50"]));
    expect(results.filter((r) => r.allowed)).toHaveLength(LIMIT);
  });

  it("behind one trusted proxy: forging someone's address does not put them in your bucket", async () => {
    withHops("1");
    for (let i = 0; i < LIMIT + 1; i++) await attempt("198.51.100.60, 198.51.100.61");
    // The victim 198.51.100.60 arrives through the proxy with its own address and is not limited.
    expect(await attempt("198.51.100.60")).toMatchObject({ ip: "198.51.100.60", allowed: true });
  });

  it("with no trusted proxy: the header is ignored, and unknown clients share one bucket ten times the per-IP limit", async () => {
    withHops("0");
    const results = [];
    for (let i = 0; i < LIMIT * 10 + 3; i++) results.push(await attempt(i % 2 ? "203.0.113.70" : `10.8.${i}.1`));
    expect(results.every((r) => r.ip === null)).toBe(true);
    // More than one address's worth gets through (20 bad requests do not lock everyone out), but a
    // flood with no known address still meets a ceiling.
    expect(results.filter((r) => r.allowed)).toHaveLength(LIMIT * 10);
  });

  it("behind one trusted proxy: an IPv6 client rotating within its /64 stays in one bucket", async () => {
    withHops("1");
    const results = [];
    for (let i = 0; i < LIMIT + 3; i++) results.push(await attempt(`2001:db8:77:1::${(i + 1).toString(16)}`));
    expect(results.filter((r) => r.allowed)).toHaveLength(LIMIT);
    // The IPv4-mapped form of an address is that address.
    for (let i = 0; i < LIMIT; i++) await attempt("198.51.100.80");
    expect(await attempt("::ffff:198.51.100.80")).toMatchObject({ allowed: false });
  });
});
