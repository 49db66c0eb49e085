import "server-only";
import { unstable_rethrow } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { z } from "zod";
import type { PublicUser } from "@/db/queries/users";
import { requireUser } from "@/lib/auth/session";
import type { Permission } from "@/lib/auth/roles";
import { isAppError } from "@/lib/errors";
import { ExchangeError } from "@/lib/exchanges/types";
import { log, withLogContext } from "@/lib/logger";

export type ActionState = {
  ok?: boolean;
  message?: string;
  errors?: Record<string, string[]>;
  /** Echo of submitted non-secret fields, so a failed form keeps what was typed. */
  values?: Record<string, string>;
  /** A value shown exactly once on purpose (a new webhook secret); never a password or an API key. */
  reveal?: Record<string, string>;
  /** The action needs a recent password (step-up): the form opens the re-enter-password dialog. */
  reauth?: boolean;
};

type Translator = Awaited<ReturnType<typeof getTranslations>>;

const SECRET_FIELD = /pass|secret|token|key|code/i;

function echo(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of formData.entries()) {
    if (typeof value === "string" && !name.startsWith("$") && !SECRET_FIELD.test(name)) values[name] = value;
  }
  return values;
}

export function translateIssues(error: z.ZodError, t: Translator): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "form";
    const key = `validation.${issue.message}`;
    const text = t.has(key) ? t(key) : issue.message;
    // A field can fail two checks with the same wording (format, then "positive"): say it once.
    if (!errors[field]?.includes(text)) (errors[field] ??= []).push(text);
  }
  return errors;
}

/** An exchange's refusal in words a trader understands; the raw (redacted) text goes to the log only. */
export function exchangeErrorMessage(error: ExchangeError, t: Translator): string {
  log().warn({ errorCode: error.code, err: error }, "exchange error in an action");
  const key = `exchangeErrors.${error.code}`;
  return t.has(key) ? t(key, { seconds: error.retryAfterSeconds ?? 60 }) : t("exchangeErrors.unknown");
}

function errorMessage(error: unknown, t: Translator): string {
  if (error instanceof ExchangeError) return exchangeErrorMessage(error, t);
  if (isAppError(error)) {
    const key = `errors.${error.code}`;
    return t.has(key) ? t(key, error.params) : error.message;
  }
  log().error({ err: error }, "unexpected action error");
  return t("errors.unexpected");
}

async function run<S extends z.ZodType>(
  schema: S,
  formData: FormData,
  t: Translator,
  body: (data: z.infer<S>) => Promise<ActionState>,
): Promise<ActionState> {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return { errors: translateIssues(parsed.error, t), message: t("errors.fixFields"), values: echo(formData) };
  }
  try {
    return await body(parsed.data);
  } catch (error) {
    unstable_rethrow(error);
    const reauth = isAppError(error) && error.code === "reauth_required" ? { reauth: true } : {};
    return { message: errorMessage(error, t), values: echo(formData), ...reauth };
  }
}

/** A public action (login, register): validation and error mapping, no session needed. */
export function validatedAction<S extends z.ZodType>(
  schema: S,
  body: (data: z.infer<S>, ctx: { t: Translator; formData: FormData }) => Promise<ActionState>,
) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    const t = await getTranslations();
    return run(schema, formData, t, (data) => body(data, { t, formData }));
  };
}

/** An action for a signed-in user: authenticates, checks the permission on the server, validates. */
export function validatedActionWithUser<S extends z.ZodType>(
  permission: Permission,
  schema: S,
  body: (data: z.infer<S>, ctx: { user: PublicUser; t: Translator; formData: FormData }) => Promise<ActionState>,
) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    const t = await getTranslations();
    let user: PublicUser;
    try {
      user = await requireUser(permission);
    } catch (error) {
      return { message: errorMessage(error, t) };
    }
    return withLogContext({ userId: user.id }, () => run(schema, formData, t, (data) => body(data, { user, t, formData })));
  };
}
