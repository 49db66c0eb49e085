export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "last_admin"
  | "two_factor_required"
  | "reauth_required"
  | "withdrawal_key"
  | "key_permissions_unread"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  last_admin: 409,
  two_factor_required: 403,
  reauth_required: 401,
  withdrawal_key: 422,
  key_permissions_unread: 503,
  internal: 500,
};

/** The one typed error of the app: a code for programs, a message for people. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly status: number = STATUS[code],
    /** Values for the translated message `errors.<code>` (an exchange's name, a list of addresses). */
    public readonly params?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  toResponse(): Response {
    return Response.json({ error: { code: this.code, message: this.message } }, { status: this.status });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
