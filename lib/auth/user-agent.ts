/** Browser and OS names from a user agent, for device lists and emails (no library: a few patterns). */
export function describeUserAgent(ua: string | null | undefined): { browser: string; os: string } {
  const s = ua ?? "";
  const version = (re: RegExp) => re.exec(s)?.[1]?.split(".")[0];
  let browser = "Unknown browser";
  if (/Edg\//.test(s)) browser = `Edge ${version(/Edg\/([\d.]+)/) ?? ""}`;
  else if (/OPR\//.test(s)) browser = `Opera ${version(/OPR\/([\d.]+)/) ?? ""}`;
  else if (/Firefox\//.test(s)) browser = `Firefox ${version(/Firefox\/([\d.]+)/) ?? ""}`;
  else if (/HeadlessChrome\//.test(s)) browser = `Headless Chrome ${version(/HeadlessChrome\/([\d.]+)/) ?? ""}`;
  else if (/Chrome\//.test(s)) browser = `Chrome ${version(/Chrome\/([\d.]+)/) ?? ""}`;
  else if (/Safari\//.test(s) && /Version\//.test(s)) browser = `Safari ${version(/Version\/([\d.]+)/) ?? ""}`;
  else if (/curl\//i.test(s)) browser = "curl";
  let os = "Unknown OS";
  if (/Windows NT/.test(s)) os = "Windows";
  else if (/iPhone|iPad|iPod/.test(s)) os = "iOS";
  else if (/Android/.test(s)) os = "Android";
  else if (/Mac OS X|Macintosh/.test(s)) os = "macOS";
  else if (/CrOS/.test(s)) os = "ChromeOS";
  else if (/Linux/.test(s)) os = "Linux";
  return { browser: browser.trim(), os };
}

const COUNTRY_HEADERS = ["x-vercel-ip-country", "cf-ipcountry", "cloudfront-viewer-country"];

/** The hosting platform's geo header as a two-letter code, or "unknown" (also for Cloudflare's XX/T1). */
export function countryFromHeaders(h: Headers): string {
  for (const name of COUNTRY_HEADERS) {
    const value = h.get(name)?.trim().toUpperCase();
    if (value && /^[A-Z]{2}$/.test(value) && value !== "XX" && value !== "T1") return value;
  }
  return "unknown";
}
