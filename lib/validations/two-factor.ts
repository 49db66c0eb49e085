import { z } from "zod";

/**
 * A TOTP or recovery code typed into a 2FA form. Never fails validation on its own: the actions check
 * for an empty code and answer with their own words ("Enter the code…"), so no key of the shared
 * "validation" namespace is needed.
 */
export const twoFactorCodeSchema = z.object({
  code: z
    .string()
    .catch("")
    .transform((v) => v.trim().slice(0, 40)),
});

/** Turning 2FA off or replacing the recovery codes: the password as well as a code. */
export const twoFactorManageSchema = twoFactorCodeSchema.extend({
  password: z.string().catch("").transform((v) => v.slice(0, 200)),
});

/** Forms whose only input is the button (turn on, cancel). */
export const twoFactorEmptySchema = z.object({});

/** The admin switch "Require two-factor authentication for admins". */
export const requireTwoFactorSchema = z.object({
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

