import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Every sentence the connection test can answer with (lib/accounts/connection-test.ts), in every language.
const REASONS: Record<string, string[]> = {
  balance: ["ok", "auth", "permission", "rate_limited", "unreachable", "unknown"],
  trading: ["ok", "offSpot", "offFutures", "unsaid", "unread", "afterBalance", "paper"],
  withdrawals: ["ok", "on", "unsaid", "unread", "afterBalance", "paper"],
  ip: ["ok", "open", "openNoList", "unsaid", "unread", "afterBalance", "paper"],
  market: ["ok", "unreachable", "unknown"],
};

describe("connection test messages", () => {
  it.each(["en", "ru", "uk"])("%s has a title and a what-to-do sentence for every check result", (lang) => {
    const messages = JSON.parse(readFileSync(`messages/${lang}.json`, "utf8")) as { accounts: { connection: Record<string, Record<string, string>> } };
    const connection = messages.accounts.connection;
    for (const [id, reasons] of Object.entries(REASONS)) {
      expect(connection.titles![id], `${lang} titles.${id}`).toBeTruthy();
      for (const reason of reasons) expect(connection[id]?.[reason], `${lang} ${id}.${reason}`).toMatch(/\S.{20,}/);
    }
    for (const status of ["ok", "warn", "failed", "unknown"]) expect(connection.status![status]).toBeTruthy();
  });

  it("uses every reason the code can produce", () => {
    const source = readFileSync("lib/accounts/connection-test.ts", "utf8");
    const produced = new Set([...source.matchAll(/reason: "([a-zA-Z_]+)"/g)].map((m) => m[1]));
    const known = new Set(Object.values(REASONS).flat());
    for (const reason of produced) expect(known, reason).toContain(reason);
  });
});

describe("connection test messages parse as ICU", () => {
  it.each(["en", "ru", "uk"])("%s", async (lang) => {
    const { IntlMessageFormat } = await import("intl-messageformat");
    const messages = JSON.parse(readFileSync(`messages/${lang}.json`, "utf8")) as { accounts: Record<string, unknown> };
    const walk = (node: unknown, path: string): void => {
      if (typeof node === "string") {
        expect(() => new IntlMessageFormat(node, lang), path).not.toThrow();
        return;
      }
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, `${path}.${k}`);
    };
    walk(messages.accounts.connection, "accounts.connection");
    const others = new IntlMessageFormat(messages.accounts.cardBalanceOthers as string, lang);
    expect(others.format({ count: 2 })).toMatch(/2/);
  });
});
