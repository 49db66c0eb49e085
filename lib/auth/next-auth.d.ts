import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface User {
    role?: number;
    sessionVersion?: number;
  }
  interface Session {
    user: { id: string; role: number } & DefaultSession["user"];
    sessionVersion: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    id?: string;
    role?: number;
    sv?: number;
  }
}
