import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { findUserById, findUserForLogin, recordLogin } from "@/db/queries/users";
import { writeAudit } from "@/db/queries/audit";
import { loginSchema } from "@/lib/validations/auth";
import { authConfig } from "./auth.config";
import { verifyPassword } from "./password";

export class AccountDisabledError extends CredentialsSignin {
  code = "disabled";
}

function metaFrom(request: Request | undefined) {
  const ip = request?.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null;
  return { ip, userAgent: request?.headers.get("user-agent") ?? null };
}

export const { handlers, auth, signIn, signOut, unstable_update: updateSession } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = loginSchema.safeParse(raw);
        if (!parsed.success) return null;
        const user = await findUserForLogin(parsed.data.email);
        // Always verify (against a dummy hash when the email is unknown) so timing reveals nothing.
        const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
        const meta = metaFrom(request);
        if (!user || !ok) {
          await writeAudit({ action: "login.failure", userId: user?.id ?? null, ...meta });
          return null;
        }
        if (user.disabled || user.role === 0) {
          await writeAudit({ action: "login.refused_disabled", userId: user.id, ...meta });
          throw new AccountDisabledError();
        }
        await recordLogin(user.id);
        await writeAudit({ action: "login.success", actorId: user.id, userId: user.id, ...meta });
        return { id: user.id, name: user.name, email: user.email, role: user.role, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    ...authConfig.callbacks,
    async jwt(params) {
      const token = await authConfig.callbacks.jwt(params);
      // An explicit update re-reads role and session version from the database (after promotion or demotion).
      if (params.trigger === "update" && token.id) {
        const fresh = await findUserById(token.id);
        if (fresh) {
          token.role = fresh.disabled ? 0 : fresh.role;
          token.sv = fresh.sessionVersion;
          token.name = fresh.name;
        } else {
          token.role = 0;
        }
      }
      return token;
    },
  },
});
