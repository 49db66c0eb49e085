import type { z } from "zod";
import type { BotKind } from "@/db/schema";
import type { Market } from "@/lib/exchanges/types";
import type { BotRunner } from "./runner";
import type { BotFigures, BotPlan, PlanContext } from "./types";

/** What a kind brings: its settings schema, the plan of orders it starts with, its figures, its rules for the preview. */
export interface KindDefinition<S> {
  kind: BotKind;
  schema: z.ZodType<S>;
  plan(settings: S, ctx: PlanContext): BotPlan;
  figures(settings: S, ctx: PlanContext): BotFigures;
  /** Absent for kinds the preview cannot run (a signal strategy waits for its signals). */
  runner?(settings: S, market: Market): BotRunner;
}

/** A kind's settings once they parsed: the kind's functions bound to them. */
export interface Bot {
  kind: BotKind;
  settings: unknown;
  plan(ctx: PlanContext): BotPlan;
  figures(ctx: PlanContext): BotFigures;
  runner: ((market: Market) => BotRunner) | null;
}

export interface RegisteredKind {
  kind: BotKind;
  schema: z.ZodType;
  parse(raw: unknown): { ok: true; bot: Bot } | { ok: false; error: z.ZodError };
}

export function registerKind<S>(def: KindDefinition<S>): RegisteredKind {
  return {
    kind: def.kind,
    schema: def.schema,
    parse(raw) {
      const parsed = def.schema.safeParse(raw);
      if (!parsed.success) return { ok: false, error: parsed.error };
      const settings = parsed.data;
      const runner = def.runner;
      return {
        ok: true,
        bot: {
          kind: def.kind,
          settings,
          plan: (ctx) => def.plan(settings, ctx),
          figures: (ctx) => def.figures(settings, ctx),
          runner: runner ? (market) => runner(settings, market) : null,
        },
      };
    },
  };
}
