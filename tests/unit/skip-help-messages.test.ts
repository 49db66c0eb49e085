import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import ru from "@/messages/ru.json";
import uk from "@/messages/uk.json";

const root = path.join(import.meta.dirname, "../..");

/** The members of a string-literal union type, read from its source file. */
function unionMembers(file: string, typeName: string): string[] {
  const source = readFileSync(path.join(root, file), "utf8");
  const match = source.match(new RegExp(`export type ${typeName} =([^;]+);`));
  if (!match) throw new Error(`${typeName} not found in ${file}`);
  return [...match[1]!.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
}

// Why a signal was skipped (the engine's reasons) or failed (the exchange's codes, and our own error).
const reasons = [
  ...unionMembers("lib/engine/plan.ts", "SkipReason"),
  ...unionMembers("lib/exchanges/types.ts", "ExchangeErrorCode"),
  "internal_error",
];

describe("skip reasons", () => {
  it("are read from the sources", () => {
    expect(reasons).toContain("no_price");
    expect(reasons).toContain("insufficient_funds");
  });

  it.each(reasons)("%s is worded, with what to change, in English, Russian and Ukrainian", (reason) => {
    for (const messages of [en, ru, uk]) {
      const strategies = messages.strategies as { skip: Record<string, string>; skipHelp: Record<string, string> };
      expect(strategies.skip[reason], reason).toBeTruthy();
      expect(strategies.skipHelp[reason], reason).toMatch(/\S.{20,}[.!]$/);
    }
  });
});
