// Prints the path of a system Chromium/Chrome; Playwright never downloads its own browser here.
import fs from "node:fs";

export const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
].filter(Boolean);

export function findChromium() {
  return CANDIDATES.find((p) => fs.existsSync(p));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findChromium();
  if (!found) process.exit(1);
  process.stdout.write(found);
}
