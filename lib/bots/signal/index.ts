import { z } from "zod";
import type { KindDefinition } from "../kind";

/**
 * The strategies from before bot kinds: they follow a signal with the settings in the strategy's own
 * columns (sizing, one take-profit, one stop-loss), so the kind has no settings of its own and starts
 * with no orders; the engine places them as signals arrive.
 */
export const signalKind: KindDefinition<null> = {
  kind: "signal",
  schema: z.null("A signal strategy has no bot settings."),
  plan: () => ({ orders: [], refusals: [], fundsNeeded: "0" }),
  figures: () => ({}),
};
