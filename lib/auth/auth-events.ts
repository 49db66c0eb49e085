import "server-only";
import type { NextAuthConfig } from "next-auth";
import { endSession } from "./ended-sessions";

export const authEvents = {
  // Signing out ends this session on the server too: a copy of its cookie stops working.
  async signOut(message) {
    const token = "token" in message ? message.token : null;
    await endSession({ sessionId: token?.sid, userId: token?.id });
  },
} satisfies NextAuthConfig["events"];
