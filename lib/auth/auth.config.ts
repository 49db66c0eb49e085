import type { NextAuthConfig } from "next-auth";
import { longestSessionSeconds, nowSeconds, sessionLapsed } from "./session-limits";

// Edge-safe: no database, no Node APIs. middleware.ts builds its gate from this alone.
export const authConfig = {
  pages: { signIn: "/login", error: "/login" },
  // The cookie lives as long as the longest session; sessionLapsed() applies the idle and absolute limits.
  session: { strategy: "jwt", maxAge: longestSessionSeconds() },
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
        const now = nowSeconds();
        token.sid = crypto.randomUUID();
        token.st = now;
        token.la = now;
        token.at = now;
        token.rm = user.remember === true;
        token.id = user.id;
        token.role = user.role ?? 1;
        token.sv = user.sessionVersion ?? 0;
        token.did = user.deviceId;
        token.dt = user.deviceTrusted ?? false;
        token.ev = user.emailIsVerified ?? false;
        token.tfs = user.twoFactorSetup === true;
        return token;
      }
      // An idle or expired session is no session (Auth.js clears it where it can write cookies).
      if (token.id && sessionLapsed(token)) return null;
      return token;
    },
    session({ session, token }) {
      if (token.id) session.user.id = token.id;
      session.user.role = token.role ?? 0;
      session.sessionVersion = token.sv ?? 0;
      session.deviceId = token.did;
      session.deviceTrusted = token.dt === true;
      session.emailVerified = token.ev === true;
      session.sessionId = token.sid;
      session.authTime = token.at;
      session.twoFactorSetup = token.tfs === true;
      return session;
    },
  },
} satisfies NextAuthConfig;
