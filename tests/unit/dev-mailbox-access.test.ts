import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { ROLES } from "@/lib/auth/roles";

const incoming = vi.hoisted(() => ({ headers: new Headers(), role: null as number | null }));
vi.mock("next/headers", () => ({ headers: async () => incoming.headers }));
vi.mock("@/lib/auth/session", () => ({
  getSessionState: async () =>
    incoming.role === null ? { status: "anonymous" } : { status: "active", user: { id: "u1", role: incoming.role } },
}));

const { canReadDevMailbox, devServerOnLoopback } = await import("@/lib/auth/dev-mailbox");

const saved = { ...process.env };
function configure(values: Record<string, string>) {
  for (const key of ["NODE_ENV", "DEV_MAILBOX", "TRUSTED_PROXY_HOPS", "APP_URL", "EMAIL_DISABLED", "VERCEL", "__NEXT_PRIVATE_ORIGIN"]) delete process.env[key];
  Object.assign(process.env, { AUTH_SECRET: "m".repeat(40), ENCRYPTION_KEY: "k".repeat(40) }, values);
  resetEnvForTests();
}
const production = { NODE_ENV: "production", APP_URL: "https://trade.example.com", EMAIL_DISABLED: "true" };
const from = (xff: string | null, role: number | null = null) => {
  incoming.headers = new Headers(xff ? { "x-forwarded-for": xff } : {});
  incoming.role = role;
};

beforeEach(() => from(null));
afterAll(() => {
  process.env = saved;
  resetEnvForTests();
});

describe("/dev/mailbox access", () => {
  it("does not exist in production without DEV_MAILBOX=true, not even for loopback or an admin", async () => {
    configure({ ...production, TRUSTED_PROXY_HOPS: "1" });
    from("127.0.0.1", ROLES.admin);
    expect(await canReadDevMailbox()).toBe(false);
  });

  it("with DEV_MAILBOX=true, opens to the machine itself (trusted address) and to admins only", async () => {
    configure({ ...production, DEV_MAILBOX: "true", TRUSTED_PROXY_HOPS: "1" });
    from("127.0.0.1");
    expect(await canReadDevMailbox()).toBe(true);
    from("203.0.113.9");
    expect(await canReadDevMailbox()).toBe(false);
    from("203.0.113.9", ROLES.trader);
    expect(await canReadDevMailbox()).toBe(false);
    from("203.0.113.9", ROLES.admin);
    expect(await canReadDevMailbox()).toBe(true);
  });

  it("a forged X-Forwarded-For: 127.0.0.1 is not loopback", async () => {
    // Behind one proxy, the forged entry is the left one; the proxy appended the real address.
    configure({ ...production, DEV_MAILBOX: "true", TRUSTED_PROXY_HOPS: "1" });
    from("127.0.0.1, 203.0.113.9");
    expect(await canReadDevMailbox()).toBe(false);
    // With no trusted proxy the header proves nothing at all.
    configure({ ...production, DEV_MAILBOX: "true", TRUSTED_PROXY_HOPS: "0" });
    from("127.0.0.1");
    expect(await canReadDevMailbox()).toBe(false);
  });

  it("in development, is there when `next dev` listens on loopback only (npm run dev), not for the network", async () => {
    configure({ NODE_ENV: "development" });
    const listening = process.env.__NEXT_PRIVATE_ORIGIN;
    try {
      process.env.__NEXT_PRIVATE_ORIGIN = "http://127.0.0.1:3000";
      from("192.168.1.20");
      expect(await canReadDevMailbox()).toBe(true);
      // Listening on every interface (`npm run dev -- -H 0.0.0.0`, which Next.js records as localhost).
      process.env.__NEXT_PRIVATE_ORIGIN = "http://localhost:3000";
      from(null);
      expect(await canReadDevMailbox()).toBe(false);
      // A browser on the network claiming to be the machine itself is not believed, by default.
      from("127.0.0.1");
      expect(await canReadDevMailbox()).toBe(false);
      from("::1");
      expect(await canReadDevMailbox()).toBe(false);
      from("192.168.1.20", ROLES.admin);
      expect(await canReadDevMailbox()).toBe(true);
    } finally {
      if (listening === undefined) delete process.env.__NEXT_PRIVATE_ORIGIN;
      else process.env.__NEXT_PRIVATE_ORIGIN = listening;
    }
  });

  it("knows which listening addresses are loopback", () => {
    expect(devServerOnLoopback("http://127.0.0.1:3200")).toBe(true);
    expect(devServerOnLoopback("http://[::1]:3000")).toBe(true);
    expect(devServerOnLoopback("http://localhost:3000")).toBe(false);
    expect(devServerOnLoopback("http://192.168.1.5:3000")).toBe(false);
    expect(devServerOnLoopback(undefined)).toBe(false);
  });
});
