"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { createUser, findUserForLogin } from "@/db/queries/users";
import { validatedAction } from "@/lib/actions/validated-action";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { resolveLocale } from "@/lib/i18n/request";
import { requestMeta, safeRedirectPath } from "@/lib/request";
import { loginSchema, registerSchema } from "@/lib/validations/auth";
import { signIn, signOut } from "./auth";
import { checkAuthRateLimit } from "./rate-limit";
import { hashPassword } from "./password";
import { landingFor } from "./roles";

export const loginAction = validatedAction(loginSchema, async (data, { t }) => {
  const limit = await checkAuthRateLimit("login", (await requestMeta()).ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }), values: { email: data.email } };
  try {
    await signIn("credentials", { email: data.email, password: data.password, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      const disabled = error instanceof CredentialsSignin && error.code === "disabled";
      // One message for a wrong password and an unknown email.
      return { message: t(disabled ? "auth.accountDisabled" : "auth.invalidCredentials"), values: { email: data.email } };
    }
    throw error;
  }
  const user = await findUserForLogin(data.email);
  redirect(landingFor(user?.role ?? 0, safeRedirectPath(data.callbackUrl)));
});

export const registerAction = validatedAction(registerSchema, async (data, { t }) => {
  const { ip } = await requestMeta();
  const limit = await checkAuthRateLimit("register", ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }), values: { name: data.name, email: data.email } };
  let role: number;
  try {
    ({ role } = await createUser({
      name: data.name,
      email: data.email,
      passwordHash: await hashPassword(data.password),
      autoApprove: env().AUTO_APPROVE_TRADERS,
      locale: await resolveLocale(),
      ip,
    }));
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict") {
      return { errors: { email: [t("auth.emailTaken")] }, values: { name: data.name, email: data.email } };
    }
    throw error;
  }
  await signIn("credentials", { email: data.email, password: data.password, redirect: false });
  redirect(landingFor(role, "/dashboard"));
});

export async function logoutAction() {
  await signOut({ redirectTo: "/login" });
}
