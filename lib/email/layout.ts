/** What every transactional email is made of; rendered once as HTML and once as plain text. */
export interface EmailContent {
  lang: string;
  subject: string;
  /** The grey line mail clients show next to the subject. */
  preheader: string;
  greeting: string;
  paragraphs: string[];
  details?: Array<{ label: string; value: string }>;
  /** A question or call to action right above the buttons. */
  prompt?: string;
  actions?: Array<{ label: string; href: string; tone?: "primary" | "danger" | "secondary" }>;
  /** Shown under the buttons with the first action's link spelled out. */
  linkHint?: string;
  /** Paragraphs after the buttons (expiry, "ignore this email"). */
  after?: string[];
  signature: string;
  footer: string;
  appName: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and (double-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Links in emails must be absolute http(s) URLs: anything else (javascript:, data:) is refused. */
export function safeHref(href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new Error("Email links must be absolute URLs.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("Email links must be http(s) URLs.");
  return url.toString();
}

/** Subjects are one line: newlines would let a value inject headers in some transports. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TONES = {
  primary: "background:#4f46e5;color:#ffffff;border:1px solid #4f46e5;",
  danger: "background:#dc2626;color:#ffffff;border:1px solid #dc2626;",
  secondary: "background:#ffffff;color:#1f2937;border:1px solid #d1d5db;",
} as const;

function paragraph(text: string, style = "") {
  return `<p style="margin:0 0 16px;font-size:15px;line-height:24px;color:#1f2937;${style}">${escapeHtml(text)}</p>`;
}

function button(action: NonNullable<EmailContent["actions"]>[number]) {
  const tone = TONES[action.tone ?? "primary"];
  return (
    `<a href="${escapeHtml(safeHref(action.href))}" target="_blank" rel="noopener noreferrer" ` +
    `style="display:inline-block;margin:0 8px 8px 0;padding:12px 20px;border-radius:8px;${tone}` +
    `font-size:15px;font-weight:600;line-height:20px;text-decoration:none;">${escapeHtml(action.label)}</a>`
  );
}

function detailsTable(details: NonNullable<EmailContent["details"]>) {
  const rows = details
    .map(
      (d) =>
        `<tr><td style="padding:6px 12px 6px 0;font-size:14px;color:#6b7280;white-space:nowrap;vertical-align:top;">${escapeHtml(d.label)}</td>` +
        `<td style="padding:6px 0;font-size:14px;color:#111827;word-break:break-word;">${escapeHtml(d.value)}</td></tr>`,
    )
    .join("");
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 20px;border-collapse:collapse;">${rows}</table>`;
}

/** Clean, inline-styled HTML that mail clients render consistently (tables, no external CSS). */
export function toHtml(c: EmailContent): string {
  const first = c.actions?.[0];
  const body = [
    paragraph(c.greeting),
    ...c.paragraphs.map((p) => paragraph(p)),
    c.details?.length ? detailsTable(c.details) : "",
    c.prompt ? paragraph(c.prompt, "font-weight:600;") : "",
    c.actions?.length ? `<div style="margin:8px 0 16px;">${c.actions.map(button).join("")}</div>` : "",
    first && c.linkHint
      ? paragraph(c.linkHint, "font-size:13px;color:#6b7280;margin-bottom:4px;") +
        `<p style="margin:0 0 20px;font-size:13px;line-height:20px;word-break:break-all;"><a href="${escapeHtml(safeHref(first.href))}" style="color:#4f46e5;">${escapeHtml(safeHref(first.href))}</a></p>`
      : "",
    ...(c.after ?? []).map((p) => paragraph(p, "font-size:14px;color:#4b5563;")),
    paragraph(c.signature, "margin-top:24px;"),
  ].join("\n");
  return `<!doctype html>
<html lang="${escapeHtml(c.lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(c.subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:${FONT};">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">${escapeHtml(c.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;padding:24px 12px;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;">
<tr><td style="padding:0 4px 16px;font-size:18px;font-weight:700;color:#111827;">${escapeHtml(c.appName)}</td></tr>
<tr><td style="background:#ffffff;border:1px solid #e5e7eb;border-radius:12px;padding:32px 28px;">
${body}
</td></tr>
<tr><td style="padding:16px 4px;font-size:12px;line-height:18px;color:#6b7280;">${escapeHtml(c.footer)}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

/** The plain-text part: same content, links spelled out on their own lines. */
export function toText(c: EmailContent): string {
  const blocks: string[] = [c.greeting, ...c.paragraphs];
  if (c.details?.length) blocks.push(c.details.map((d) => `${d.label}: ${d.value}`).join("\n"));
  if (c.prompt) blocks.push(c.prompt);
  for (const action of c.actions ?? []) blocks.push(`${action.label}:\n${safeHref(action.href)}`);
  blocks.push(...(c.after ?? []), c.signature, `--\n${c.footer}`);
  return `${blocks.join("\n\n")}\n`;
}

export function renderContent(c: EmailContent): RenderedEmail {
  return { subject: oneLine(c.subject), html: toHtml(c), text: toText(c) };
}
