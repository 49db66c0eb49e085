import { z } from "zod";

export const changeRoleSchema = z.object({
  userId: z.uuid("userIdInvalid"),
  role: z.coerce.number("roleInvalid").int("roleInvalid").min(0, "roleInvalid").max(3, "roleInvalid"),
});

export const setDisabledSchema = z.object({
  userId: z.uuid("userIdInvalid"),
  disabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export const userListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

/** Approve or decline an account waiting for approval. */
export const approvalSchema = z.object({
  userId: z.uuid("userIdInvalid"),
});
