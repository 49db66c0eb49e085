import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { findUserById } from "@/db/queries/users";
import { deviceStatus } from "./devices";
import { authConfig } from "./auth.config";
import { authEvents } from "./auth-events";
import { isRecentAuthProof, isSessionVersionProof } from "./fresh-token";
import { AccountThrottled, authorizeCredentials, DisabledAccount, metaFrom, SecondFactorNeeded } from "./credentials";
import { nowSeconds } from "./session-limits";
import { needsTwoFactorSetup } from "./two-factor";

export class AccountDisabledError extends CredentialsSignin {
  code = "disabled";
}

export class SecondFactorRequiredError extends CredentialsSignin {
  code = "2fa_required";
}

export class SecondFactorInvalidError extends CredentialsSignin {
  code = "2fa_invalid";
}

export class AccountThrottledError extends CredentialsSignin {
  code = "rate_limited";
}

export const { handlers, auth, signIn, signOut, unstable_update: updateSession } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { email: {}, password: {}, code: {}, remember: {} },
      async authorize(raw, request) {
        try {
          return await authorizeCredentials(raw, metaFrom(request));
        } catch (error) {
          if (error instanceof DisabledAccount) throw new AccountDisabledError();
          if (error instanceof AccountThrottled) throw new AccountThrottledError();
          if (error instanceof SecondFactorNeeded) {
            throw error.reason === "required" ? new SecondFactorRequiredError() : new SecondFactorInvalidError();
          }
          throw error;
        }
      },
    }),
  ],
  events: authEvents,
  callbacks: {
    ...authConfig.callbacks,
    async jwt(params) {
      const token = await authConfig.callbacks.jwt(params);
      if (!token) return null;
      // An explicit update re-reads role and session version from the database (after promotion or demotion).
      if (params.trigger === "update" && token.id) {
        const fresh = await findUserById(token.id);
        if (fresh) {
          const carried = token.sv ?? 0;
          const update = params.session as { svProof?: unknown; reauthProof?: unknown } | undefined;
          if (fresh.sessionVersion !== carried) {
            // An ended session stays ended: only the request that bumped the version may carry it over.
            if (!isSessionVersionProof(update?.svProof, token.id, carried, fresh.sessionVersion)) return token;
            token.sv = fresh.sessionVersion;
          }
          // A password or code proven just now (step-up): only the server can compute the proof.
          if (token.sid && isRecentAuthProof(update?.reauthProof, token.id, token.sid)) token.at = nowSeconds();
          token.role = fresh.disabled ? 0 : fresh.role;
          token.name = fresh.name;
          token.ev = Boolean(fresh.emailVerifiedAt);
          token.dt = token.did ? (await deviceStatus(fresh.id, token.did)) === "trusted" : false;
          token.tfs = await needsTwoFactorSetup(fresh.id, token.role);
        } else {
          token.role = 0;
        }
      }
      return token;
    },
  },
});
