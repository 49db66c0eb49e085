import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_TONE } from "@/components/admin/audit-tones";
import { AUDIT_GROUPS } from "@/db/queries/audit";
import en from "@/messages/en.json";
import ru from "@/messages/ru.json";
import uk from "@/messages/uk.json";

const root = path.join(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

// Every action name written to the audit log, in the files that call writeAudit: the group-prefixed
// string literals, and every literal of an `action:` expression whatever its prefix (ternaries included,
// which a grep for `action: "` misses), so an action of a new group cannot slip by unlabelled.
const literal = new RegExp(`"((?:${AUDIT_GROUPS.join("|")})\\.[a-z0-9_.]+)"`, "g");
const actionExpression = /\baction:([^,\n]+)/g;
const actionName = /"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"/g;
const written = [
  ...new Set(
    [...sources("lib"), ...sources("app")]
      .map((file) => readFileSync(file, "utf8"))
      .filter((source) => source.includes("writeAudit("))
      .flatMap((source) => [
        ...[...source.matchAll(literal)].map((m) => m[1]!),
        ...[...source.matchAll(actionExpression)].flatMap((m) => [...m[1]!.matchAll(actionName)].map((n) => n[1]!)),
      ]),
  ),
].sort();

function label(messages: unknown, action: string): unknown {
  return ["audit", "actions", ...action.split(".")].reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), messages);
}

describe("audit log actions", () => {
  it("are read from the code that writes them", () => {
    expect(written).toEqual(expect.arrayContaining(["user.approve", "user.decline", "user.promote.admin_email", "login.reauth", "switch.trading_off", "ai_source.enabled", "ai_source.disabled"]));
  });

  it.each(written)("%s belongs to an event group the admin can filter by, named in every language", (action) => {
    const group = AUDIT_GROUPS.find((g) => action.startsWith(`${g}.`));
    expect(group).toBeDefined();
    for (const messages of [en, ru, uk]) expect(typeof (messages.audit.groups as Record<string, unknown>)[group!]).toBe("string");
  });

  it.each(written)("%s has a badge colour and a label in English, Russian and Ukrainian", (action) => {
    expect(AUDIT_TONE[action]).toBeDefined();
    expect(typeof label(en, action)).toBe("string");
    expect(typeof label(ru, action)).toBe("string");
    expect(label(ru, action)).not.toBe(label(en, action));
    expect(typeof label(uk, action)).toBe("string");
    expect(label(uk, action)).not.toBe(label(en, action));
  });

  it("colour approvals green and declines red", () => {
    expect(AUDIT_TONE["user.approve"]).toBe("success");
    expect(AUDIT_TONE["user.decline"]).toBe("destructive");
  });
});
