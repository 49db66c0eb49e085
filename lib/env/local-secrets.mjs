// Plain JS so next.config.mjs, scripts and tests can share it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const GENERATED_SECRETS = ["AUTH_SECRET", "ENCRYPTION_KEY"];

export function isStrictProduction(env = process.env) {
  return env.NODE_ENV === "production" && Boolean(env.DATABASE_URL);
}

/**
 * On the embedded default, secrets that production must set are generated once and kept in
 * `.data/secrets.json`, so `npm run dev` needs no setup. In production they must be given.
 */
export function ensureLocalSecrets({ env = process.env, cwd = process.cwd() } = {}) {
  const missing = GENERATED_SECRETS.filter((key) => !env[key]);
  if (missing.length === 0) return [];
  if (isStrictProduction(env)) {
    throw new Error(
      `Missing required environment variable${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}. ` +
        "In production (NODE_ENV=production with DATABASE_URL set) secrets are never generated; " +
        "set them (see .env.example, e.g. `openssl rand -base64 32`).",
    );
  }
  const dir = path.resolve(cwd, env.DATA_DIR || ".data");
  const file = path.join(dir, "secrets.json");
  let stored = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    stored = {};
  }
  let changed = false;
  for (const key of missing) {
    if (typeof stored[key] !== "string" || stored[key].length < 32) {
      stored[key] = crypto.randomBytes(32).toString("base64url");
      changed = true;
    }
    env[key] = stored[key];
  }
  if (changed) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
  }
  return missing;
}
