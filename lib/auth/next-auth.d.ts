import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface User {
    role?: number;
    sessionVersion?: number;
    deviceId?: string;
    deviceTrusted?: boolean;
    emailIsVerified?: boolean;
    /** "Keep me signed in" was ticked at sign-in. */
    remember?: boolean;
    /** An admin who must set up 2FA first (the platform requires it and they have none). */
    twoFactorSetup?: boolean;
  }
  interface Session {
    user: { id: string; role: number } & DefaultSession["user"];
    sessionVersion: number;
    /** The device row this session belongs to, whether it is trusted, whether the email is verified. */
    deviceId?: string;
    deviceTrusted: boolean;
    emailVerified: boolean;
    /** This session's id (ended on the server at sign-out) and when it last proved a password or code. */
    sessionId?: string;
    authTime?: number;
    twoFactorSetup?: boolean;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    id?: string;
    role?: number;
    sv?: number;
    /** Device row id, device trusted, email verified: the middleware's gate reads these. */
    did?: string;
    dt?: boolean;
    ev?: boolean;
    /** Session id; session start, last activity and last password or code proof (unix seconds); kept signed in. */
    sid?: string;
    st?: number;
    la?: number;
    at?: number;
    rm?: boolean;
    /** An admin who must set up 2FA before anything else (the platform requires it). */
    tfs?: boolean;
  }
}
