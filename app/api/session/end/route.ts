import type { NextRequest } from "next/server";
import { signOut } from "@/lib/auth/auth";

/** Ends a session the server no longer honours (disabled account, revoked session). */
export async function GET(request: NextRequest) {
  const reason = request.nextUrl.searchParams.get("reason") === "disabled" ? "disabled" : "ended";
  await signOut({ redirectTo: `/login?error=${reason}` });
}
