import type { NextAuthConfig } from "next-auth";

// Edge-safe: no database, no Node APIs. middleware.ts builds its gate from this alone.
export const authConfig = {
  pages: { signIn: "/login", error: "/login" },
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  trustHost: true,
  logger: {
    // A wrong password, a locked account or a missing 2FA code is an answer, not a server error: no stack
    // trace in the log for each one (they are in the audit log instead).
    error(error: Error) {
      if ((error as { type?: string }).type === "CredentialsSignin") return;
      console.error("[auth]", error);
    },
  },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.id = user.id;
        token.role = user.role ?? 1;
        token.sv = user.sessionVersion ?? 0;
        token.did = user.deviceId;
        token.dt = user.deviceTrusted ?? false;
        token.ev = user.emailIsVerified ?? false;
      }
      return token;
    },
    session({ session, token }) {
      if (token.id) session.user.id = token.id;
      session.user.role = token.role ?? 0;
      session.sessionVersion = token.sv ?? 0;
      session.deviceId = token.did;
      session.deviceTrusted = token.dt === true;
      session.emailVerified = token.ev === true;
      return session;
    },
  },
} satisfies NextAuthConfig;
