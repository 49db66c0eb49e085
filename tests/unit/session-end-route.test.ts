import { beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";

const calls = vi.hoisted(() => ({ signOut: [] as unknown[] }));
vi.mock("@/lib/auth/auth", () => ({
  signOut: async (options: unknown) => {
    calls.signOut.push(options);
  },
}));

const { GET } = await import("@/app/api/session/end/route");

const get = (site: string | null) =>
  new NextRequest("http://127.0.0.1:3000/api/session/end?reason=revoked", { headers: site ? { "sec-fetch-site": site } : {} });

beforeEach(() => {
  calls.signOut = [];
});

describe("GET /api/session/end", () => {
  it.each(["cross-site", "same-site", null, "bogus"])("signs nobody out unless the browser says the app sent it (Sec-Fetch-Site: %s)", async (site) => {
    const response = await GET(get(site));
    expect(calls.signOut).toEqual([]);
    expect(response?.status).toBe(303);
    expect(response?.headers.get("location")).toBe("/session-ended");
  });

  it.each(["same-origin", "none"])("ends the session the app itself sent here (Sec-Fetch-Site: %s)", async (site) => {
    await GET(get(site));
    expect(calls.signOut).toEqual([{ redirectTo: "/login?error=ended" }]);
  });
});
