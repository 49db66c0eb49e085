/**
 * `npm run admin:create -- --email you@example.com [--name "Your Name"]`: the first admin of a production
 * deployment (registration never makes one there; the ADMIN_EMAIL account becomes one when it verifies
 * its address while no admin exists). Creates the
 * account, or promotes an existing one. The password comes from ADMIN_PASSWORD or is asked for; it
 * follows the same rules as the registration form (10+ characters, not a common password).
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { openDatabase } from "../db/client";
import { createOrPromoteAdmin } from "../lib/admin-create";
import { hashPassword } from "../lib/auth/password";
import { ensureLocalSecrets } from "../lib/env/local-secrets.mjs";
import { parseEnv } from "../lib/env";
import { emailSchema, newPasswordSchema } from "../lib/validations/auth";
import en from "../messages/en.json";

const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" } } });
const email = emailSchema.safeParse(values.email ?? "");
if (!email.success) {
  console.error('Usage: npm run admin:create -- --email you@example.com [--name "Your Name"]');
  process.exit(2);
}

ensureLocalSecrets();
const e = parseEnv(process.env);
const handle = await openDatabase({ url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, migrate: !e.DATABASE_URL });

async function askPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) return "";
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question("Password for the new admin (leave empty to keep an existing account's): ");
  } finally {
    rl.close();
  }
}

try {
  const typed = await askPassword();
  let passwordHash: string | undefined;
  if (typed) {
    const checked = newPasswordSchema.safeParse(typed);
    if (!checked.success) {
      const key = checked.error.issues[0]?.message as keyof typeof en.validation;
      console.error(`Password refused: ${en.validation[key] ?? key}`);
      process.exitCode = 2;
    } else passwordHash = await hashPassword(checked.data);
  }
  if (!process.exitCode) {
    const result = await createOrPromoteAdmin(handle.db, { email: email.data, name: values.name, passwordHash });
    console.log(
      result.created
        ? `Created the admin account ${result.email}. Sign in and confirm the address from the email.`
        : `${result.email} is now an admin${passwordHash ? " with the new password" : ""}.`,
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
