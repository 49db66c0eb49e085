import { z } from "zod";

export const createSignalSchema = z.object({
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, "signalNameInvalid"),
  description: z.string().trim().max(300, "descriptionTooLong").default(""),
});

export const signalIdSchema = z.object({ signalId: z.uuid("signalRequired") });

export const signalEnabledSchema = z.object({
  signalId: z.uuid("signalRequired"),
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});
