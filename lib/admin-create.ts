import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "@/db/queries/audit";
import { insertUser, lockUsers, normalizeEmail, updateUserAccess } from "@/db/queries/users";
import { ROLES } from "@/lib/auth/roles";

export type AdminCreated = { id: string; email: string; created: boolean };

/**
 * `npm run admin:create`: makes the account with this email an admin, creating it when it does not
 * exist (it then needs a password hash) or promoting and re-enabling it when it does. The address is
 * verified at the first sign-in as usual, which also trusts that browser.
 */
export async function createOrPromoteAdmin(
  db: Database,
  input: { email: string; name?: string; passwordHash?: string },
): Promise<AdminCreated> {
  return db.transaction(async (tx) => {
    await lockUsers(tx);
    const [existing] = await tx
      .select({ id: users.id, role: users.role, email: users.email })
      .from(users)
      .where(eq(sql`lower(${users.email})`, normalizeEmail(input.email)))
      .limit(1);
    if (existing) {
      const updated = await updateUserAccess(existing.id, { role: ROLES.admin, disabled: false, endSessions: false }, tx);
      if (input.passwordHash) await tx.update(users).set({ passwordHash: input.passwordHash, updatedAt: new Date() }).where(eq(users.id, existing.id));
      await writeAudit(
        { action: "user.role_change", userId: existing.id, detail: { from: existing.role, to: ROLES.admin, via: "admin:create" } },
        tx,
      );
      return { id: existing.id, email: updated?.email ?? existing.email, created: false };
    }
    if (!input.passwordHash) throw new Error(`No account with the email ${input.email}: a password is needed to create one.`);
    const user = await insertUser(
      { name: input.name?.trim() || input.email.split("@")[0]!, email: input.email, passwordHash: input.passwordHash, role: ROLES.admin },
      tx,
    );
    if (!user) throw new Error("Could not create the account.");
    await writeAudit({ action: "user.register", actorId: user.id, userId: user.id, detail: { role: ROLES.admin, via: "admin:create" } }, tx);
    return { id: user.id, email: user.email, created: true };
  });
}
