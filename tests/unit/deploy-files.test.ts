import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The self-hosting files agree with the app: the compose scheduler calls every cron route of vercel.json,
 * the app gets every secret the environment requires, and, where a compose implementation is installed,
 * the file validates (these machines have the Docker client but no compose plugin: then it is skipped).
 */

const root = path.resolve(import.meta.dirname, "../..");
const compose = readFileSync(path.join(root, "docker-compose.yml"), "utf8");
const vercel = JSON.parse(readFileSync(path.join(root, "vercel.json"), "utf8")) as { crons: { path: string; schedule: string }[] };
const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");

function service(name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  expect(start, `service ${name}`).toBeGreaterThan(0);
  const rest = compose.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}[a-z-]+:\n|\nvolumes:/);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

function composeCli(): { cmd: string; args: string[]; label: string } | undefined {
  const plugin = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
  if (plugin.status === 0) return { cmd: "docker", args: ["compose"], label: "docker compose" };
  const legacy = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" });
  if (legacy.status === 0) return { cmd: "docker-compose", args: [], label: `docker-compose ${legacy.stdout.trim()}` };
  return undefined;
}

const cli = composeCli();
const secrets = {
  POSTGRES_PASSWORD: "pg-password-for-config-check",
  SRH_TOKEN: "srh-token-for-config-check",
  AUTH_SECRET: "a".repeat(44),
  ENCRYPTION_KEY: "b".repeat(44),
  CRON_SECRET: "c".repeat(64),
  TRUSTED_PROXY_HOPS: "1",
};

function config(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "compose-config-"));
  try {
    const envFile = path.join(dir, "env");
    writeFileSync(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
    return spawnSync(cli!.cmd, [...cli!.args, "--project-directory", root, "-f", path.join(root, "docker-compose.yml"), "--env-file", envFile, "config", "-q"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? "", HOME: dir } as unknown as NodeJS.ProcessEnv,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("docker-compose.yml", () => {
  it("schedules every cron route of vercel.json, with the bearer secret", () => {
    const scheduler = service("scheduler");
    expect(vercel.crons.length).toBeGreaterThan(0);
    for (const cron of vercel.crons) {
      expect(scheduler, `${cron.path} (${cron.schedule})`).toContain(`call ${cron.path}`);
      const every = cron.schedule.match(/^(\*|\*\/(\d+)) \* \* \* \*$/);
      expect(every, `${cron.path}: the scheduler runs minute schedules only, not "${cron.schedule}"`).not.toBeNull();
      const line = scheduler.split("\n").find((l) => l.includes(`call ${cron.path}`))!;
      if (every![2]) expect(line).toContain(`minute % ${every![2]}`);
      else expect(line).not.toContain("minute %");
    }
    expect(scheduler).toContain('Authorization: Bearer $$CRON_SECRET');
  });

  it("gives the app the secrets production requires, Redis through the REST proxy, and starts it after the migration", () => {
    const app = service("app");
    for (const name of ["DATABASE_URL", "AUTH_SECRET", "ENCRYPTION_KEY", "CRON_SECRET", "APP_URL", "TRUSTED_PROXY_HOPS", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"]) {
      expect(compose.includes(`${name}:`), name).toBe(true);
    }
    expect(app).toContain("UPSTASH_REDIS_REST_URL: http://redis-rest:80");
    expect(app).toMatch(/migrate:\n\s+condition: service_completed_successfully/);
    expect(service("migrate")).toContain('command: ["node", "scripts/migrate.mjs"]');
    expect(service("redis-rest")).toContain("SRH_MODE: env");
  });

  it.skipIf(!cli)(`validates with ${cli?.label ?? "docker compose (not installed here: skipped)"}`, () => {
    const ok = config(secrets);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    // A secret left out is refused, naming it, rather than started empty.
    const { CRON_SECRET: _, ...missing } = secrets;
    const refused = config(missing);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("CRON_SECRET");
  });
});

describe("Dockerfile", () => {
  it("runs the standalone server as a non-root user, with a health check and the migration entry", () => {
    const runner = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runner).toContain("/app/.next/standalone ./");
    expect(runner).toContain("/app/.next/static ./.next/static");
    expect(runner).toContain("/app/db/migrations ./db/migrations");
    expect(runner).toMatch(/\nUSER node\n/);
    expect(runner).toMatch(/HEALTHCHECK [^\n]*\\\n[^\n]*\/api\/health/);
    expect(runner).toContain('CMD ["node", "server.js"]');
    const ignore = readFileSync(path.join(root, ".dockerignore"), "utf8").split("\n");
    for (const secret of [".env", ".env.*", ".data", "node_modules", ".next"]) expect(ignore).toContain(secret);
  });
});
