import { describe, expect, it } from "vitest";
import { can, homeFor, landingFor, ROLES } from "@/lib/auth/roles";
import { safeRedirectPath } from "@/lib/request";
import { localeFromAcceptLanguage } from "@/lib/i18n/config";

describe("roles", () => {
  it("grants the dashboard to traders and admins only", () => {
    expect(can(ROLES.user, "dashboard.view")).toBe(false);
    expect(can(ROLES.trader, "dashboard.view")).toBe(true);
    expect(can(ROLES.trader, "users.manage")).toBe(false);
    expect(can(ROLES.admin, "users.manage")).toBe(true);
    expect(can(undefined, "dashboard.view")).toBe(false);
  });

  it("sends each role home and keeps wanted paths it may open", () => {
    expect(homeFor(ROLES.user)).toBe("/pending");
    expect(homeFor(ROLES.disabled)).toBe("/login?error=disabled");
    expect(landingFor(ROLES.trader, "/admin/users")).toBe("/dashboard");
    expect(landingFor(ROLES.admin, "/admin/users")).toBe("/admin/users");
    expect(landingFor(ROLES.user, "/dashboard/orders")).toBe("/pending");
    expect(landingFor(ROLES.trader, "/pending")).toBe("/dashboard");
  });
});

describe("safeRedirectPath", () => {
  it("follows only same-site relative paths", () => {
    expect(safeRedirectPath("/dashboard/orders?x=1")).toBe("/dashboard/orders?x=1");
    expect(safeRedirectPath("//evil.example/path")).toBe("/dashboard");
    expect(safeRedirectPath("https://evil.example")).toBe("/dashboard");
    expect(safeRedirectPath("/\\evil.example")).toBe("/dashboard");
    expect(safeRedirectPath(undefined, "/pending")).toBe("/pending");
    // Browsers drop tabs and newlines: "/\t/evil" would be "//evil"; a newline would break the header.
    expect(safeRedirectPath("/\t/evil.example")).toBe("/dashboard");
    expect(safeRedirectPath("/%09/evil.example")).toBe("/%09/evil.example");
    expect(safeRedirectPath("/\n")).toBe("/dashboard");
    expect(safeRedirectPath("/dashboard\u0000")).toBe("/dashboard");
  });
});

describe("localeFromAcceptLanguage", () => {
  it("picks the best supported language", () => {
    expect(localeFromAcceptLanguage("ru-RU,ru;q=0.9,en;q=0.8")).toBe("ru");
    expect(localeFromAcceptLanguage("uk-UA,uk;q=0.9,ru;q=0.8,en;q=0.7")).toBe("uk");
    expect(localeFromAcceptLanguage("de-DE,de;q=0.9,en;q=0.5")).toBe("en");
    expect(localeFromAcceptLanguage("fr")).toBeUndefined();
  });
});
