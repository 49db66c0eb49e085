import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { addressBucket, clientIp, isLoopback, proxyTrust, safeRedirectPath } from "@/lib/request";

describe("safeRedirectPath", () => {
  const FALLBACK = "/dashboard";
  // Every one of these must land on our own origin, or be refused.
  const refused: [string, unknown][] = [
    ["dot segment turning into protocol-relative", "/.//evil.example"],
    ["dot segments, deeper", "/././/evil.example/path"],
    ["parent segment turning into protocol-relative", "/a/..//evil.example"],
    ["parent above the root", "/../..//evil.example"],
    ["encoded dot segment", "/%2e//evil.example"],
    ["encoded dot-dot segment", "/x/%2e%2e//evil.example"],
    ["protocol-relative", "//evil.example"],
    ["protocol-relative with path", "//evil.example/dashboard"],
    ["backslash", "/\\evil.example"],
    ["double backslash", "\\\\evil.example"],
    ["slash backslash mix", "/\\/evil.example"],
    ["tab inside", "/\t/evil.example"],
    ["newline inside", "/\n/evil.example"],
    ["carriage return inside", "/\r/evil.example"],
    ["absolute http", "http://evil.example"],
    ["absolute https", "https://evil.example/dashboard"],
    ["javascript scheme", "javascript:alert(1)"],
    ["data scheme", "data:text/html,<script>alert(1)</script>"],
    ["scheme-relative with credentials", "//user@evil.example"],
    ["no leading slash", "dashboard"],
    ["empty", ""],
    ["not a string", 42],
    ["null", null],
    ["undefined", undefined],
  ];
  it.each(refused)("refuses %s", (_name, input) => {
    const result = safeRedirectPath(input, FALLBACK);
    expect(result).toBe(FALLBACK);
  });

  // Harmless, and kept (normalised) rather than refused.
  const kept: [string, string, string][] = [
    ["a plain path", "/dashboard/accounts", "/dashboard/accounts"],
    ["a query and a hash", "/admin/users?q=a%20b#top", "/admin/users?q=a%20b#top"],
    ["a dot segment inside", "/dashboard/./accounts", "/dashboard/accounts"],
    ["a parent segment inside", "/dashboard/x/../accounts", "/dashboard/accounts"],
    ["encoded slashes (a path, never a host)", "/%2f%2fevil.example", "/%2f%2fevil.example"],
    ["an encoded backslash", "/%5cevil.example", "/%5cevil.example"],
    ["a scheme-looking first segment (a relative path here)", "/./javascript:alert(1)//", "/javascript:alert(1)//"],
  ];
  it.each(kept)("keeps %s", (_name, input, expected) => {
    expect(safeRedirectPath(input, FALLBACK)).toBe(expected);
  });

  it("never answers anything a browser would read as another origin", () => {
    const base = "https://app.example";
    for (const [, input] of refused) {
      const result = safeRedirectPath(input, FALLBACK);
      expect(new URL(result, base).origin).toBe(base);
    }
  });
});

describe("clientIp", () => {
  const forged = (xff: string, extra: Record<string, string> = {}) => new Headers({ "x-forwarded-for": xff, ...extra });

  it("with no trusted proxy, ignores X-Forwarded-For entirely (the client wrote it)", () => {
    expect(clientIp(forged("6.6.6.6"), 0)).toBeNull();
    expect(clientIp(forged("6.6.6.6, 203.0.113.7"), 0)).toBeNull();
    expect(clientIp(new Headers({ "x-real-ip": "6.6.6.6" }), 0)).toBeNull();
  });

  it("with N trusted hops, takes the Nth entry from the right, never a forged left-most one", () => {
    // The client forged "6.6.6.6"; the one proxy appended the address it really saw.
    expect(clientIp(forged("6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientIp(forged("6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
    expect(clientIp(forged("203.0.113.7"), 1)).toBe("203.0.113.7");
    // Fewer entries than trusted hops: the request did not come through the proxies.
    expect(clientIp(forged("203.0.113.7"), 2)).toBeNull();
    expect(clientIp(new Headers(), 1)).toBeNull();
  });

  it("rotating the forged entry does not change the address (so per-IP limits hold)", () => {
    const seen = new Set(["1.1.1.1", "2.2.2.2", "3.3.3.3"].map((fake) => clientIp(forged(`${fake}, 198.51.100.9`), 1)));
    expect([...seen]).toEqual(["198.51.100.9"]);
  });

  it("answers only real IP addresses", () => {
    expect(clientIp(forged("6.6.6.6, not-an-ip"), 1)).toBeNull();
    expect(clientIp(forged("2001:db8::1"), 1)).toBe("2001:db8::1");
  });

  it("on Vercel, believes x-real-ip, which Vercel overwrites", () => {
    expect(clientIp(forged("203.0.113.7", { "x-real-ip": "203.0.113.7" }), "vercel")).toBe("203.0.113.7");
    expect(clientIp(forged("203.0.113.8"), "vercel")).toBe("203.0.113.8");
  });

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["203.0.113.7", "10.0.0.1", null].some((ip) => isLoopback(ip as string | null))).toBe(false);
  });
});

describe("proxyTrust", () => {
  const secret = "x".repeat(40);
  const base = { AUTH_SECRET: secret, ENCRYPTION_KEY: secret, APP_URL: "https://a.example", EMAIL_DISABLED: "true" };
  const parsed = (values: Record<string, string>) => parseEnv({ ...base, ...values } as unknown as NodeJS.ProcessEnv);
  const vercel = process.env.VERCEL;
  afterEach(() => {
    if (vercel === undefined) delete process.env.VERCEL;
    else process.env.VERCEL = vercel;
  });

  it("trusts the setting when given, Vercel's header on Vercel, and otherwise no proxy, not even under next dev", () => {
    delete process.env.VERCEL;
    expect(proxyTrust(parsed({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: "1" }))).toBe(1);
    expect(proxyTrust(parsed({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: "0" }))).toBe(0);
    // `next dev` keeps an X-Forwarded-For the browser sent: believing its one entry let anyone be 127.0.0.1.
    expect(proxyTrust(parsed({ NODE_ENV: "development" }))).toBe(0);
    expect(proxyTrust(parsed({ NODE_ENV: "development", TRUSTED_PROXY_HOPS: "1" }))).toBe(1);
    process.env.VERCEL = "1";
    expect(proxyTrust(parsed({ NODE_ENV: "production", VERCEL: "1" }))).toBe("vercel");
    expect(proxyTrust(parsed({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: "2" }))).toBe(2);
  });
});

describe("addressBucket", () => {
  it("counts an IPv6 client by its /64, so rotating within the prefix stays in one bucket", () => {
    const keys = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:1:2:3", "2001:0db8:0001:0002:0000:0000:0000:abcd", "2001:db8:1:2::1%eth0"].map((ip) => addressBucket(ip));
    expect(new Set(keys.map((k) => k.key))).toEqual(new Set(["2001:db8:1:2::/64"]));
    expect(keys.every((k) => k.limitFactor === 1)).toBe(true);
    expect(addressBucket("2001:db8:1:3::1").key).toBe("2001:db8:1:3::/64");
    expect(addressBucket("::1").key).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(addressBucket("::ffff:203.0.113.9")).toEqual({ key: "203.0.113.9", limitFactor: 1 });
    expect(addressBucket("::ffff:cb00:7109")).toEqual({ key: "203.0.113.9", limitFactor: 1 });
    expect(addressBucket("203.0.113.9")).toEqual({ key: "203.0.113.9", limitFactor: 1 });
  });

  it("puts unknown addresses in one shared bucket with ten times the limit", () => {
    expect(addressBucket(null)).toEqual({ key: "unknown", limitFactor: 10 });
    expect(addressBucket("not-an-ip")).toEqual({ key: "unknown", limitFactor: 10 });
  });
});
