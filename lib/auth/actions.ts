"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { findUserForLogin, type PublicUser } from "@/db/queries/users";
import { notifyAdminsOfPendingUser } from "@/lib/approvals";
import { createUser } from "@/lib/users";
import { validatedAction } from "@/lib/actions/validated-action";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { resolveLocale } from "@/lib/i18n/request";
import { requestMeta, safeRedirectPath } from "@/lib/request";
import { loginSchema, registerSchema } from "@/lib/validations/auth";
import { signIn, signOut } from "./auth";
import { ensureDeviceCookie } from "./device-cookie";
import { findDeviceBySecret } from "./devices";
import { sendVerificationEmail } from "./email-verification";
import { checkAuthRateLimit } from "./rate-limit";
import { hashPassword } from "./password";
import { landingFor, ROLES } from "./roles";

export const loginAction = validatedAction(loginSchema, async (data, { t }) => {
  // A submitted code field (even empty) means the form is at its second step, which it keeps on errors.
  const codeStep = data.code !== undefined;
  const values = (keepCodeStep: boolean): Record<string, string> => (keepCodeStep ? { email: data.email, step: "code" } : { email: data.email });
  const limit = await checkAuthRateLimit("login", (await requestMeta()).ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }), values: values(codeStep) };
  let device: string;
  try {
    // No `code` key without a code: signIn posts every key, and undefined would arrive as "undefined".
    device = await ensureDeviceCookie();
    const remember = data.remember ? { remember: "1" } : {};
    await signIn("credentials", { email: data.email, password: data.password, device, ...remember, ...(data.code ? { code: data.code } : {}), redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = error instanceof CredentialsSignin ? error.code : undefined;
      // Right password, 2FA on: ask for (another) code. The password stays in the browser, never in this state.
      if (code === "2fa_required" || code === "2fa_invalid") {
        const message = code === "2fa_invalid" ? t("twoFactor.login.invalid") : codeStep ? t("twoFactor.login.codeRequired") : undefined;
        return { message, values: values(true) };
      }
      if (code === "rate_limited") return { message: t("auth.accountRateLimited"), values: values(codeStep) };
      // One message for a wrong password and an unknown email.
      return { message: t(code === "disabled" ? "auth.accountDisabled" : "auth.invalidCredentials"), values: values(false) };
    }
    throw error;
  }
  const user = await findUserForLogin(data.email);
  // Straight to the step the session waits for (a redirect rendered by this action skips the middleware).
  if (user && !user.emailVerifiedAt) redirect("/verify-email");
  if (user && (await findDeviceBySecret(user.id, device))?.status !== "trusted") redirect("/confirm-device");
  redirect(landingFor(user?.role ?? 0, safeRedirectPath(data.callbackUrl)));
});

export const registerAction = validatedAction(registerSchema, async (data, { t }) => {
  const { ip } = await requestMeta();
  const limit = await checkAuthRateLimit("register", ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }), values: { name: data.name, email: data.email } };
  let user: PublicUser;
  try {
    user = await createUser({
      name: data.name,
      email: data.email,
      passwordHash: await hashPassword(data.password),
      autoApprove: env().AUTO_APPROVE_TRADERS,
      locale: await resolveLocale(),
      ip,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict") {
      return { errors: { email: [t("auth.emailTaken")] }, values: { name: data.name, email: data.email } };
    }
    throw error;
  }
  // After the response: a slow or failing mail service never holds or fails the registration.
  if (user.role === ROLES.user) after(() => notifyAdminsOfPendingUser(user));
  const device = await ensureDeviceCookie();
  await signIn("credentials", { email: data.email, password: data.password, device, redirect: false });
  // The address is verified by the emailed link, which also trusts this first device.
  const row = await findDeviceBySecret(user.id, device);
  await sendVerificationEmail({ userId: user.id, deviceId: row?.id ?? null });
  redirect("/verify-email");
});

export async function logoutAction() {
  await signOut({ redirectTo: "/login" });
}
