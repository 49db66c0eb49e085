import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { signalDeliveries, signalEvents, signals } from "@/db/schema";
import { SECRET_PLACEHOLDER, secretSetup, sendSamples } from "@/components/signals/send-samples";
import { generateSignalSecret } from "@/lib/signals/secrets";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { webhookUrl } from "@/lib/signals/template";
import { useTestDatabase } from "../helpers/test-db";

// The route schedules a drain after an accepted signal; executing it is not what these tests are about.
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<typeof import("next/server")>()), after: () => {} }));

const run = promisify(execFile);
const testDb = useTestDatabase();
const README_URL = "https://signals.example.com/api/webhooks/signals/btc-trend";

/** The real webhook route handler behind a real HTTP port, so the snippets run unchanged. */
let origin = "";
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const { POST } = await import("@/app/api/webhooks/signals/[name]/route");
      const url = new URL(req.url ?? "/", origin);
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
      const name = decodeURIComponent(url.pathname.split("/").pop() ?? "");
      const response = await POST(new Request(url, { method: req.method, headers, body: Buffer.concat(chunks) }), { params: Promise.resolve({ name }) });
      res.writeHead(response.status, { "Content-Type": "application/json" }).end(await response.text());
    } catch (error) {
      res.writeHead(599).end(String(error));
    }
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let counter = 0;
async function makeSignal(scheme: "v1" | "legacy" = "v1") {
  const name = `docs-${scheme}-${++counter}`;
  let secret: string;
  let values: typeof signals.$inferInsert;
  if (scheme === "legacy") {
    const legacy = generateSignalSecret();
    secret = legacy.secret;
    values = { name, secretHash: legacy.hash, secretHint: legacy.hint, signingScheme: "legacy" };
  } else {
    const created = newSignalCredentials();
    secret = created.secret;
    values = { name, ...created.columns };
  }
  const [row] = await testDb.db.insert(signals).values(values).returning({ id: signals.id });
  return { id: row!.id, name, secret, url: webhookUrl(origin, name) };
}

async function stored(signalId: string) {
  const events = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(eq(signalEvents.signalId, signalId));
  const deliveries = await testDb.db.select({ outcome: signalDeliveries.outcome }).from(signalDeliveries).where(eq(signalDeliveries.signalId, signalId));
  return { events: events.length, outcomes: deliveries.map((d) => d.outcome) };
}

const bash = (script: string, env: Record<string, string> = {}) => run("bash", ["-c", script], { env: { ...process.env, ...env }, timeout: 20_000 });

/** What SIGNAL_SECRET holds after the page's first step, pasted with the secret in place of the placeholder. */
async function keyFromSetup(legacy: boolean, secret: string) {
  const { stdout } = await bash(`${secretSetup(legacy).replace(SECRET_PLACEHOLDER, secret)}\nprintf '%s' "$SIGNAL_SECRET"`);
  return stdout;
}

const runners: Record<string, (source: string, env: Record<string, string>) => Promise<{ stdout: string }>> = {
  shell: (source, env) => bash(source, env),
  javascript: (source, env) => run(process.execPath, ["--input-type=module", "-e", source], { env: { ...process.env, ...env }, timeout: 20_000 }),
  python: (source, env) => run("python3", ["-c", source], { env: { ...process.env, ...env }, timeout: 20_000 }),
};

describe("How to send on the signal page, run against the webhook route", () => {
  it.each(["curl", "Node.js", "Python"])("%s, after step 1, sends a delivery the webhook accepts", async (label) => {
    const signal = await makeSignal();
    const sample = sendSamples(signal.url).find((s) => s.label === label)!;
    expect(sample.source).toContain(signal.url);
    expect(sample.source).not.toContain(signal.secret);
    const { stdout } = await runners[sample.lang]!(sample.source, { SIGNAL_SECRET: await keyFromSetup(false, signal.secret) });
    expect(stdout).toContain('"accepted":true');
    expect(await stored(signal.id)).toEqual({ events: 1, outcomes: ["accepted"] });
  });

  it("step 1 of a legacy signal puts sha256(secret) in SIGNAL_SECRET, which its deliveries are signed with", async () => {
    const signal = await makeSignal("legacy");
    const curl = sendSamples(signal.url).find((s) => s.lang === "shell")!;
    const { stdout } = await bash(`${secretSetup(true).replace(SECRET_PLACEHOLDER, signal.secret)}\n${curl.source}`);
    expect(stdout).toContain('"accepted":true');
    expect(await stored(signal.id)).toEqual({ events: 1, outcomes: ["accepted"] });
    // The standard step 1 (the secret itself as the key) is refused for it.
    const other = await makeSignal("legacy");
    const refused = await bash(`${secretSetup(false).replace(SECRET_PLACEHOLDER, other.secret)}\n${sendSamples(other.url)[0]!.source}`);
    expect(refused.stdout).toContain('"unauthorized"');
    expect(await stored(other.id)).toEqual({ events: 0, outcomes: [] });
  });

  it("a snippet signed with another key is refused and stores nothing", async () => {
    const signal = await makeSignal();
    const { stdout } = await bash(sendSamples(signal.url)[0]!.source, { SIGNAL_SECRET: "not-the-secret" });
    expect(stdout).toContain('"unauthorized"');
    expect(await stored(signal.id)).toEqual({ events: 0, outcomes: [] });
  });
});

describe("the README's signing examples, run against the webhook route", () => {
  const readme = readFileSync(path.join(process.cwd(), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Signing a delivery"), readme.indexOf("\n## ", readme.indexOf("### Signing a delivery")));
  const blocks = [...section.matchAll(/```(sh|js)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, source: m[2]! }));

  it("has a shell and a Node.js example with the placeholder secret and example URL", () => {
    expect(blocks.map((b) => b.lang)).toEqual(["sh", "js"]);
    for (const block of blocks) expect(block.source).toContain(README_URL);
    expect(blocks[0]!.source).toContain(`export SIGNAL_SECRET='${SECRET_PLACEHOLDER}'`);
  });

  it("the shell example, pasted with the secret and URL filled in, is accepted", async () => {
    const signal = await makeSignal();
    const script = blocks[0]!.source.replace(SECRET_PLACEHOLDER, signal.secret).replace(README_URL, signal.url);
    const { stdout } = await bash(script);
    expect(stdout).toContain('"accepted":true');
    expect(await stored(signal.id)).toEqual({ events: 1, outcomes: ["accepted"] });
  });

  it("the Node.js example, with SIGNAL_SECRET set as the shell example says, is accepted", async () => {
    const signal = await makeSignal();
    const { stdout } = await runners.javascript!(blocks[1]!.source.replace(README_URL, signal.url), { SIGNAL_SECRET: signal.secret });
    expect(stdout).toMatch(/^202 .*"accepted":true/);
    expect(await stored(signal.id)).toEqual({ events: 1, outcomes: ["accepted"] });
  });
});
