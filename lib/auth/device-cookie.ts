import "server-only";
import { cookies, headers } from "next/headers";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE, isDeviceSecret, newDeviceSecret } from "./devices";

/** This browser's device id, created (as a long-lived httpOnly cookie) on its first sign-in. */
export async function ensureDeviceCookie(): Promise<string> {
  const jar = await cookies();
  const current = jar.get(DEVICE_COOKIE)?.value;
  if (isDeviceSecret(current)) return current;
  const secret = newDeviceSecret();
  const https =
    (await headers()).get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ||
    (process.env.AUTH_URL ?? process.env.APP_URL ?? "").startsWith("https://");
  jar.set(DEVICE_COOKIE, secret, {
    httpOnly: true,
    sameSite: "lax",
    secure: https,
    path: "/",
    maxAge: DEVICE_COOKIE_MAX_AGE,
  });
  return secret;
}
