import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface User {
    role?: number;
    sessionVersion?: number;
    deviceId?: string;
    deviceTrusted?: boolean;
    emailIsVerified?: boolean;
  }
  interface Session {
    user: { id: string; role: number } & DefaultSession["user"];
    sessionVersion: number;
    /** The device row this session belongs to, whether it is trusted, whether the email is verified. */
    deviceId?: string;
    deviceTrusted: boolean;
    emailVerified: boolean;
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
  }
}
