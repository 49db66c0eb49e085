import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { devMailbox } from "@/db/schema";
import {
  EmailSendError,
  listDevMailbox,
  renderLockout,
  renderNewDevice,
  renderPasswordReset,
  renderVerifyEmail,
  sendEmail,
  type RenderedEmail,
} from "@/lib/email";
import { startEmailCapture, type EmailCapture } from "../helpers/email-capture";
import { useTestDatabase } from "../helpers/test-db";
import { captureLogs } from "../helpers/log-capture";

const testDb = useTestDatabase();
const API_KEY = "re_capture_test_key_0123456789";
const LINK = "https://app.example.com/reset-password?token=abc_DEF-123";
const saved = { ...process.env };
let capture: EmailCapture;

beforeAll(async () => {
  capture = await startEmailCapture({ apiKey: API_KEY });
});

afterEach(() => {
  for (const key of ["RESEND_API_KEY", "RESEND_BASE_URL", "EMAIL_FROM"] as const) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  vi.restoreAllMocks();
});

afterAll(async () => {
  await capture.stop();
});

function useResend(key = API_KEY) {
  process.env.RESEND_API_KEY = key;
  process.env.RESEND_BASE_URL = capture.url;
}

describe("sendEmail through the Resend client", () => {
  it("posts the email to RESEND_BASE_URL/emails with the API key, and stores nothing locally", async () => {
    useResend();
    process.env.EMAIL_FROM = "SignalBridge Test <alerts@test.example>";
    const mail = renderPasswordReset({ locale: "en", name: "Ada", link: LINK, expiresMinutes: 30 });
    const result = await sendEmail({ to: "Ada@Example.com", kind: "password_reset", ...mail });

    expect(result).toEqual({ transport: "resend", id: expect.stringMatching(/^captured-/) });
    const sent = capture.emails.at(-1)!;
    expect(sent.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.userAgent).toMatch(/^resend-node:/);
    expect(sent.from).toBe("SignalBridge Test <alerts@test.example>");
    expect(sent.to).toBe("ada@example.com");
    expect(sent.subject).toBe(mail.subject);
    expect(sent.html).toBe(mail.html);
    expect(sent.text).toBe(mail.text);
    expect(sent.text).toContain(LINK);
    expect(await testDb.db.select().from(devMailbox)).toHaveLength(0);
  });

  it("uses the default sender when EMAIL_FROM is unset", async () => {
    useResend();
    delete process.env.EMAIL_FROM;
    await sendEmail({ to: "b@example.com", kind: "test", subject: "Hi", html: "<p>Hi</p>", text: "Hi" });
    expect(capture.emails.at(-1)!.from).toBe("SignalBridge <no-reply@signalbridge.local>");
  });

  it("throws a safe error when Resend refuses, never naming the key", async () => {
    useResend("re_wrong_key_abcdefghijkl");
    const error = await sendEmail({ to: "c@example.com", kind: "test", subject: "S", html: "<p>x</p>", text: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect((error as EmailSendError).status).toBe(403);
    expect((error as Error).message).toContain("invalid_api_key");
    expect((error as Error).message).not.toContain("re_wrong_key_abcdefghijkl");

    // Even an error text that echoes the key comes out redacted.
    useResend();
    capture.failNext({ status: 422, name: "validation_error", message: `bad request for ${API_KEY}` });
    const echoed = await sendEmail({ to: "c@example.com", kind: "test", subject: "S", html: "<p>x</p>", text: "x" }).catch((e: unknown) => e);
    expect((echoed as Error).message).toContain("validation_error");
    expect((echoed as Error).message).not.toContain(API_KEY);
  });

  it("logs the kind and recipient domain only, never the body or the link", async () => {
    useResend();
    const logs = captureLogs();
    await sendEmail({ to: "secret.person@corp.example", kind: "password_reset", ...renderPasswordReset({ locale: "en", name: "S", link: LINK, expiresMinutes: 30 }) }).finally(logs.restore);
    const lines = logs.raw;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("password_reset");
    expect(lines[0]).toContain("corp.example");
    expect(lines[0]).not.toContain("secret.person");
    expect(lines[0]).not.toContain("token");
  });
});

describe("sendEmail without an API key", () => {
  it("stores the email in dev_mailbox, listed newest first and filtered by recipient", async () => {
    delete process.env.RESEND_API_KEY;
    const before = capture.emails.length;
    const first = await sendEmail({ to: "dev@example.com", kind: "verify_email", ...renderVerifyEmail({ locale: "en", name: "Dev", link: LINK }) });
    await new Promise((r) => setTimeout(r, 5));
    await sendEmail({ to: "Dev@Example.com", kind: "password_reset", ...renderPasswordReset({ locale: "ru", name: "Dev", link: LINK, expiresMinutes: 30 }) });
    await sendEmail({ to: "other@example.com", kind: "test", subject: "Other", html: "<p>o</p>", text: "o" });

    expect(first.transport).toBe("dev_mailbox");
    expect(capture.emails.length).toBe(before);
    const mine = await listDevMailbox({ to: "DEV@example.com", limit: 10 });
    expect(mine.map((m) => m.kind)).toEqual(["password_reset", "verify_email"]);
    expect(mine[0]!.to).toBe("dev@example.com");
    expect(mine[0]!.text).toContain(LINK);
    expect(mine[1]!.id).toBe(first.id);
    expect(await listDevMailbox({ limit: 2 })).toHaveLength(2);
    expect((await listDevMailbox({ limit: 10 })).map((m) => m.to)).toContain("other@example.com");
  });
});

const NASTY = `<script>alert("x")</script> & 'quotes'`;

function renderAll(locale: string): Record<string, RenderedEmail> {
  return {
    passwordReset: renderPasswordReset({ locale, name: NASTY, link: LINK, expiresMinutes: 30 }),
    verifyEmail: renderVerifyEmail({ locale, name: NASTY, link: LINK }),
    lockout: renderLockout({ locale, name: NASTY, until: new Date("2030-01-02T03:04:00Z"), resetLink: LINK }),
    newDevice: renderNewDevice({
      locale,
      name: NASTY,
      browser: `<img src=x onerror="alert(1)">`,
      os: "Linux & <b>BSD</b>",
      country: null,
      ip: "203.0.113.5",
      time: new Date("2030-01-02T03:04:00Z"),
      yesLink: "https://app.example.com/device?answer=yes&t=1",
      noLink: "https://app.example.com/device?answer=no&t=1",
    }),
  };
}

describe("email templates", () => {
  it("exist in English and Russian, each with a subject, an HTML and a plain-text part carrying the link", () => {
    const en = renderAll("en");
    const ru = renderAll("ru");
    for (const name of Object.keys(en)) {
      const a = en[name]!;
      const b = ru[name]!;
      for (const mail of [a, b]) {
        expect(mail.subject.length).toBeGreaterThan(5);
        expect(mail.html).toMatch(/^<!doctype html>/);
        expect(mail.text.length).toBeGreaterThan(40);
        expect(mail.text).not.toMatch(/<(p|a|table|div)\b/);
        expect(mail.text).toContain("https://app.example.com/");
      }
      expect(a.subject).not.toBe(b.subject);
      expect(b.subject + b.text).toMatch(/[а-яё]/i);
      expect(a.html).toContain('lang="en"');
      expect(b.html).toContain('lang="ru"');
    }
    expect(en.passwordReset!.text).toContain("30 minutes");
    expect(ru.passwordReset!.text).toContain("30 минут");
    expect(en.lockout!.text).toContain("2 January 2030");
    expect(en.newDevice!.text).toContain("Location: Unknown");
    expect(en.newDevice!.text).toContain("answer=no&t=1");
  });

  it("escapes every interpolated value in the HTML", () => {
    for (const mail of [...Object.values(renderAll("en")), ...Object.values(renderAll("ru"))]) {
      expect(mail.html).not.toContain("<script>");
      expect(mail.html).not.toContain("<img");
      expect(mail.html).not.toContain("<b>BSD");
      expect(mail.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
      for (const [, href] of mail.html.matchAll(/href="([^"]*)"/g)) expect(href).not.toMatch(/&(?!amp;)/);
    }
    const device = renderAll("en").newDevice!;
    expect(device.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(device.html).toContain('href="https://app.example.com/device?answer=no&amp;t=1"');
  });

  it("falls back to English for an unknown locale and refuses non-http links", () => {
    expect(renderVerifyEmail({ locale: "xx", name: null, link: LINK }).subject).toBe(renderVerifyEmail({ locale: "en", name: "A", link: LINK }).subject);
    expect(renderVerifyEmail({ locale: null, name: null, link: LINK }).text).toMatch(/^Hello,/);
    expect(() => renderVerifyEmail({ locale: "en", name: "A", link: "javascript:alert(1)" })).toThrow(/http/);
  });
});
