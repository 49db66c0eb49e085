export const ROLES = { disabled: 0, user: 1, trader: 2, admin: 3 } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];
export const ROLE_VALUES = [0, 1, 2, 3] as const satisfies readonly Role[];

/** The one place that says which role may do what; checked on the server. */
export const PERMISSIONS = {
  "dashboard.view": ROLES.trader,
  // The account's own 2FA set-up: the one thing an admin the platform requires 2FA of may do without it.
  "security.manage": ROLES.trader,
  "trading.manage": ROLES.trader,
  "admin.view": ROLES.admin,
  "users.manage": ROLES.admin,
  "audit.view": ROLES.admin,
  "signals.manage": ROLES.admin,
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/** Where an admin without the required 2FA is sent, and the only permission they keep until enrolled. */
export const TWO_FACTOR_SETUP_PATH = "/dashboard/settings/two-factor";
export const SETUP_PERMISSION: Permission = "security.manage";

export function isRole(value: unknown): value is Role {
  return typeof value === "number" && (ROLE_VALUES as readonly number[]).includes(value);
}

export function can(role: number | undefined | null, permission: Permission): boolean {
  return typeof role === "number" && role >= PERMISSIONS[permission];
}

/** Where a signed-in user of this role belongs. */
export function homeFor(role: number): string {
  if (role >= ROLES.trader) return "/dashboard";
  if (role === ROLES.user) return "/pending";
  return "/login?error=disabled";
}

/** The wanted path if this role may open it, else the role's home (so no second redirect is needed). */
export function landingFor(role: number, wanted: string): string {
  const needs = wanted.startsWith("/admin") ? ROLES.admin : wanted.startsWith("/dashboard") ? ROLES.trader : ROLES.user;
  if (wanted.startsWith("/pending") || role < needs) return homeFor(role);
  return wanted;
}
