import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A server that takes every request and never answers: what a stuck upstream looks like.
let server: Server;
let origin = "";
beforeAll(async () => {
  server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const elapsed = async (work: () => Promise<unknown>) => {
  const started = Date.now();
  const outcome = await work().then(
    () => "resolved",
    (error: unknown) => error,
  );
  return { outcome, ms: Date.now() - started };
};

describe("every outbound request gives up instead of hanging", () => {
  it("Upstash (rate limiter and queue): a command fails after UPSTASH_TIMEOUT_MS", { timeout: 30_000 }, async () => {
    const { UPSTASH_TIMEOUT_MS } = await import("@/lib/upstash");
    const { getRateLimiter, resetRateLimiterForTests } = await import("@/lib/ratelimit");
    const { getQueue } = await import("@/lib/queue");
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: origin, UPSTASH_REDIS_REST_TOKEN: "token" });
    resetRateLimiterForTests();
    (globalThis as { __sbQueue?: unknown }).__sbQueue = undefined;
    try {
      const limiter = await getRateLimiter();
      const queue = await getQueue();
      const [hit, enqueue] = await Promise.all([
        elapsed(() => limiter.hit("k", { limit: 1, windowMs: 1000 })),
        elapsed(() => queue.enqueue("signals", { eventId: "e" })),
      ]);
      for (const { outcome, ms } of [hit, enqueue]) {
        expect(outcome).toBeInstanceOf(Error);
        expect(ms).toBeGreaterThanOrEqual(UPSTASH_TIMEOUT_MS - 100);
        expect(ms).toBeLessThan(UPSTASH_TIMEOUT_MS + 5_000);
      }
    } finally {
      delete process.env.UPSTASH_REDIS_REST_URL;
      delete process.env.UPSTASH_REDIS_REST_TOKEN;
      resetRateLimiterForTests();
      (globalThis as { __sbQueue?: unknown }).__sbQueue = undefined;
    }
  });

  it("Upstash (session revocations, asked by the middleware): a stuck Redis answers \"not revoked\" after REVOCATION_TIMEOUT_MS", { timeout: 30_000 }, async () => {
    const { REVOCATION_TIMEOUT_MS, publishSessionEnded, resetRevocationStoreForTests, sessionRevoked } = await import("@/lib/auth/revocations");
    Object.assign(process.env, { UPSTASH_REDIS_REST_URL: origin, UPSTASH_REDIS_REST_TOKEN: "token" });
    resetRevocationStoreForTests();
    try {
      const [read, write] = await Promise.all([
        elapsed(() => sessionRevoked({ id: "u1", sv: 0, did: "d1", sid: "s1" })),
        elapsed(() => publishSessionEnded("s1")),
      ]);
      for (const { outcome, ms } of [read, write]) {
        expect(outcome).toBe("resolved");
        expect(ms).toBeGreaterThanOrEqual(REVOCATION_TIMEOUT_MS - 100);
        expect(ms).toBeLessThan(REVOCATION_TIMEOUT_MS + 3_000);
      }
    } finally {
      delete process.env.UPSTASH_REDIS_REST_URL;
      delete process.env.UPSTASH_REDIS_REST_TOKEN;
      resetRevocationStoreForTests();
    }
  });

  it("Resend: an email send fails after EMAIL_TIMEOUT_MS", { timeout: 30_000 }, async () => {
    const { EMAIL_TIMEOUT_MS, EmailSendError, sendEmail } = await import("@/lib/email/send");
    Object.assign(process.env, { RESEND_API_KEY: "re_test_key_0123456789", RESEND_BASE_URL: origin });
    try {
      const { outcome, ms } = await elapsed(() =>
        sendEmail({ to: "someone@example.com", subject: "s", html: "<p>h</p>", text: "t", kind: "test" }),
      );
      expect(outcome).toBeInstanceOf(EmailSendError);
      expect(ms).toBeGreaterThanOrEqual(EMAIL_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(EMAIL_TIMEOUT_MS + 5_000);
    } finally {
      delete process.env.RESEND_API_KEY;
      delete process.env.RESEND_BASE_URL;
    }
  });
});
