"use server";

import { cookies } from "next/headers";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { getSessionState } from "@/lib/auth/session";
import { isLocale, LOCALE_COOKIE } from "./config";

/** Remembers the language in a cookie and, when signed in, on the account. */
export async function setLocaleAction(formData: FormData) {
  const locale = formData.get("locale");
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, {
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
    sameSite: "lax",
    httpOnly: false,
  });
  // Only a live session writes the account's language (it picks the language of security emails).
  const state = await getSessionState();
  if (state.status === "active" || state.status === "stale") {
    const db = await getDb();
    await db.update(users).set({ locale }).where(eq(users.id, state.user.id));
  }
}
