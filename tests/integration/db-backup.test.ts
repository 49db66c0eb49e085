import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { signals } from "@/db/schema";

/**
 * `npm run db:backup` / `db:restore` (scripts/db-backup.sh) round-trip a scratch PostgreSQL database.
 * Needs a PostgreSQL server (DATABASE_URL) and pg_dump; skipped otherwise. The messages for a missing
 * tool or a missing DATABASE_URL are checked everywhere.
 */

const root = path.resolve(import.meta.dirname, "../..");
const script = path.join(root, "scripts/db-backup.sh");
const hasPgDump = spawnSync("pg_dump", ["--version"]).status === 0;
const serverUrl = process.env.DATABASE_URL;

/** The script with only the variables given (and no terminal on stdin). */
function run(args: string[], env: Record<string, string | undefined>) {
  return spawnSync("/bin/bash", [script, ...args], { cwd: root, env: env as unknown as NodeJS.ProcessEnv, encoding: "utf8", input: "", timeout: 60_000 });
}

describe("db:backup and db:restore messages", () => {
  it("without DATABASE_URL, says to copy the PGlite data folder instead", () => {
    const out = run(["backup"], { PATH: process.env.PATH });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("copy its data folder (PGLITE_DIR");
  });

  it("without pg_dump or pg_restore on the PATH, says how to get them", () => {
    const env = { PATH: "/nonexistent", DATABASE_URL: "postgres://u@127.0.0.1:1/none" };
    const backup = run(["backup"], env);
    expect(backup.status).toBe(1);
    expect(backup.stderr).toContain("pg_dump was not found");
    const restore = run(["restore", "x.dump"], env);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain("pg_restore was not found");
  });
});

describe.skipIf(!serverUrl || !hasPgDump)("db:backup and db:restore on PostgreSQL", () => {
  const names = [`signalbridge_backup_${randomBytes(4).toString("hex")}`, `signalbridge_restore_${randomBytes(4).toString("hex")}`];
  const urls = names.map((name) => {
    const url = new URL(serverUrl ?? "postgres://localhost/x");
    url.pathname = `/${name}`;
    return url.toString();
  });
  const dir = mkdtempSync(path.join(tmpdir(), "db-backup-"));
  let admin: import("postgres").Sql | undefined;

  beforeAll(async () => {
    const { default: postgres } = await import("postgres");
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    for (const name of names) await admin.unsafe(`create database "${name}"`);
  });

  afterAll(async () => {
    for (const name of names) await admin?.unsafe(`drop database if exists "${name}" with (force)`);
    await admin?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a backup restores into another database with the same rows; a restore asks for --yes first", async () => {
    const source = await openDatabase({ url: urls[0], migrate: true });
    await source.db.insert(signals).values([
      { name: "backup-one", secretHash: "hash-1", secretHint: "h1" },
      { name: "backup-two", secretHash: "hash-2", secretHint: "h2" },
    ]);
    await source.close();

    const file = path.join(dir, "nested", "round-trip.dump");
    const backup = run(["backup", file], { PATH: process.env.PATH, DATABASE_URL: urls[0] });
    expect(backup.stderr).toBe("");
    expect(backup.status).toBe(0);
    expect(backup.stdout).toContain("useless without ENCRYPTION_KEY");

    const env = { PATH: process.env.PATH, DATABASE_URL: urls[1] };
    const unconfirmed = run(["restore", file], env);
    expect(unconfirmed.status).toBe(1);
    expect(unconfirmed.stderr).toContain("pass --yes");
    const notADump = path.join(dir, "not-a-dump");
    writeFileSync(notADump, "hello");
    expect(run(["restore", notADump, "--yes"], env).stderr).toContain("is not a pg_dump custom-format backup");

    const restore = run(["restore", file, "--yes"], env);
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    const target = await openDatabase({ url: urls[1], migrate: false });
    try {
      const rows = await target.db.select({ name: signals.name, secretHash: signals.secretHash }).from(signals).orderBy(signals.name);
      expect(rows).toEqual([
        { name: "backup-one", secretHash: "hash-1" },
        { name: "backup-two", secretHash: "hash-2" },
      ]);
    } finally {
      await target.close();
    }
    // Restoring again over the restored database replaces it (no duplicate rows, no error).
    expect(run(["restore", file, "--yes"], env).status).toBe(0);
  }, 60_000);
});
