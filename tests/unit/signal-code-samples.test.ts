import { execFile } from "node:child_process";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookCodeSamples } from "@/lib/signals/code-samples";
import { buildOpenApiDocument } from "@/lib/signals/openapi";
import { verifySignature } from "@/lib/signals/secrets";

const run = promisify(execFile);
const SECRET = "sample-secret-0123456789";

/** A stand-in webhook that keeps what each sample sent. */
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.writeHead(202, { "Content-Type": "application/json" }).end('{"accepted":true}');
  });
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/signals/btc-trend`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const runners: Record<string, (source: string) => [string, string[]]> = {
  shell: (source) => ["bash", ["-c", source]],
  javascript: (source) => [process.execPath, ["--input-type=module", "-e", source]],
  python: (source) => ["python3", ["-c", source]],
};

describe("the copy-paste senders on the API docs page", () => {
  it("are in the OpenAPI document as x-codeSamples: curl, Node.js and Python", () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, { post: { "x-codeSamples": { label: string }[] } }> };
    expect(doc.paths["/api/webhooks/signals/{name}"]!.post["x-codeSamples"].map((s) => s.label)).toEqual(["curl", "Node.js", "Python"]);
  });

  it.each(["curl", "Node.js", "Python"])("%s sends a delivery the webhook verifies with the secret", async (label) => {
    const sample = webhookCodeSamples(url).find((s) => s.label === label)!;
    const [command, args] = runners[sample.lang]!(sample.source);
    const before = received.length;
    const { stdout } = await run(command, args, { env: { ...process.env, SIGNAL_SECRET: SECRET }, timeout: 20_000 });
    expect(stdout).toContain("accepted");
    expect(received).toHaveLength(before + 1);
    const { headers, body } = received.at(-1)!;
    expect(headers["content-type"]).toBe("application/json");
    expect(JSON.parse(body)).toEqual({ action: "buy", symbol: "BTCUSDT", id: "order-1" });
    const signature = String(headers["x-signature"]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature({ rawBody: body, timestamp: null, signature, key: SECRET, now: new Date() })).toMatchObject({ ok: true });
    expect(verifySignature({ rawBody: body, timestamp: null, signature, key: "another-secret", now: new Date() })).toMatchObject({ ok: false });
  });
});
