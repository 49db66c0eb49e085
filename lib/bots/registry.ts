import type { BotKind } from "@/db/schema";
import { dcaKind } from "./dca";
import { gridKind } from "./grid";
import { registerKind, type RegisteredKind } from "./kind";
import { signalKind } from "./signal";

// A new kind: its folder under lib/bots, its name in BOT_KINDS (db/schema/signals.ts) and a line here.
const KINDS: Record<BotKind, RegisteredKind> = {
  signal: registerKind(signalKind),
  dca: registerKind(dcaKind),
  grid: registerKind(gridKind),
};

export function botKind(kind: BotKind): RegisteredKind {
  return KINDS[kind];
}

/** A strategy's kind and stored settings, checked against the kind's schema. */
export function parseBot(kind: BotKind, settings: unknown) {
  return botKind(kind).parse(settings);
}
