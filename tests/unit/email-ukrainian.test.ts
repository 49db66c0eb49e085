import { describe, expect, it } from "vitest";
import {
  emailLocale,
  renderAccountApproved,
  renderApprovalRequest,
  renderLockout,
  renderNewDevice,
  renderPasswordReset,
  renderVerifyEmail,
} from "@/lib/email/templates";

const LINK = "https://app.example.com/x?t=1";
const WHEN = new Date("2030-01-02T03:04:00Z");

function renderAll(locale: string) {
  return {
    passwordReset: renderPasswordReset({ locale, name: "Олена", link: LINK, expiresMinutes: 30 }),
    verifyEmail: renderVerifyEmail({ locale, name: "Олена", link: LINK }),
    lockout: renderLockout({ locale, name: "Олена", until: WHEN, resetLink: LINK }),
    newDevice: renderNewDevice({ locale, name: null, browser: "Firefox", os: null, country: null, ip: "203.0.113.5", time: WHEN, yesLink: LINK, noLink: LINK }),
    approvalRequest: renderApprovalRequest({ locale, name: "Admin", user: { name: "Петро", email: "p@example.com", createdAt: WHEN }, link: LINK }),
    accountApproved: renderAccountApproved({ locale, name: "Олена", link: LINK }),
  };
}

describe("emails in Ukrainian", () => {
  it("a user whose language is uk gets every email in Ukrainian, not in Russian or English", () => {
    expect(emailLocale("uk")).toBe("uk");
    const uk = renderAll("uk");
    const ru = renderAll("ru");
    for (const [name, mail] of Object.entries(uk)) {
      expect(mail.html, name).toContain('lang="uk"');
      // Letters only Ukrainian has, and none only Russian has.
      expect(mail.subject + mail.text, name).toMatch(/[іїєґ]/i);
      expect(mail.subject + mail.text, name).not.toMatch(/[ыэъё]/i);
      expect(mail.subject, name).not.toBe(ru[name as keyof typeof ru].subject);
      expect(mail.text, name).toContain(LINK);
    }
    expect(uk.passwordReset.subject).toBe("Скидання пароля SignalBridge");
    expect(uk.passwordReset.text).toContain("Вітаємо, Олена!");
    expect(uk.newDevice.text).toMatch(/^Вітаємо!/);
    expect(uk.newDevice.text).toContain("Місцезнаходження: Невідомо");
  });

  it("spells dates the Ukrainian way and picks the right plural form", () => {
    expect(renderAll("uk").lockout.text).toContain("2 січня 2030 р. о 03:04 UTC");
    const minutes = (n: number) => renderPasswordReset({ locale: "uk", name: null, link: LINK, expiresMinutes: n }).text;
    expect(minutes(1)).toContain("через 1 хвилину.");
    expect(minutes(3)).toContain("через 3 хвилини.");
    expect(minutes(30)).toContain("через 30 хвилин.");
    expect(minutes(21)).toContain("через 21 хвилину.");
  });
});
