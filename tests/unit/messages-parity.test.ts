import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
// The ICU parser next-intl itself formats with (through intl-messageformat).
import { isPluralElement, isSelectElement, isTagElement, parse, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { DEFAULT_LOCALE, LOCALES } from "@/lib/i18n/config";

const dir = path.join(import.meta.dirname, "../../messages");
// "en.json", "en.2fa.json", …: every message file the source language has, found on disk, so a new file counts too.
const parts = readdirSync(dir)
  .filter((f) => f.startsWith(`${DEFAULT_LOCALE}.`) && f.endsWith(".json"))
  .map((f) => f.slice(DEFAULT_LOCALE.length));
const others = LOCALES.filter((l) => l !== DEFAULT_LOCALE);

function read(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
}

function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, String(value));
  return out;
}

/** Argument names a message uses, and every plural in it (with its option keys). */
function shape(elements: MessageFormatElement[], args = new Set<string>(), plurals: string[][] = []) {
  for (const el of elements) {
    if ("value" in el && typeof el.value === "string" && el.type !== 0 && !isTagElement(el)) args.add(el.value);
    if (isPluralElement(el)) plurals.push(Object.keys(el.options));
    if (isPluralElement(el) || isSelectElement(el)) for (const o of Object.values(el.options)) shape(o.value, args, plurals);
    if (isTagElement(el)) shape(el.children, args, plurals);
  }
  return { args: [...args].sort(), plurals };
}

describe("message files", () => {
  it("are found", () => {
    expect(parts).toEqual(expect.arrayContaining([".json", ".email.json"]));
  });

  describe.each(others)("%s", (locale) => {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;

    it.each(parts)(`has every key of ${DEFAULT_LOCALE}%s and no other`, (part) => {
      const source = flatten(read(`${DEFAULT_LOCALE}${part}`));
      const target = flatten(read(`${locale}${part}`));
      const missing = [...source.keys()].filter((k) => !target.has(k));
      const extra = [...target.keys()].filter((k) => !source.has(k));
      expect({ missing, extra }, `${locale}${part}`).toEqual({ missing: [], extra: [] });
    });

    it.each(parts)("%s: each message parses, uses the same arguments, and its plurals name every category", (part) => {
      const source = flatten(read(`${DEFAULT_LOCALE}${part}`));
      const problems: string[] = [];
      for (const [key, message] of flatten(read(`${locale}${part}`))) {
        const original = source.get(key);
        if (original === undefined) continue;
        let mine;
        try {
          mine = shape(parse(message));
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message}`);
          continue;
        }
        const theirs = shape(parse(original));
        if (mine.args.join() !== theirs.args.join()) problems.push(`${key}: arguments ${mine.args} instead of ${theirs.args}`);
        for (const options of mine.plurals) {
          const absent = categories.filter((c) => !options.includes(c) && !(c === "zero" && options.includes("=0")));
          // "other" alone (or with exact matches) is a deliberate single wording; otherwise every category is needed.
          if (options.some((o) => !o.startsWith("=") && o !== "other") && absent.length > 0) problems.push(`${key}: plural lacks ${absent}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
});
