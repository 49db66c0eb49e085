import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

function error(status: number, code: string, message: string) {
  return Response.json({ error: { code, message } }, { status, headers: NO_STORE });
}

/** Prometheus metrics: `Authorization: Bearer METRICS_TOKEN`, compared in constant time. */
export async function GET(request: Request) {
  const token = env().METRICS_TOKEN;
  if (!token) return error(503, "not_configured", "Set METRICS_TOKEN (16 characters or more) to expose the metrics; Prometheus then sends it as a bearer token.");
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const wanted = Buffer.from(`Bearer ${token}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return Response.json(
      { error: { code: "unauthorized", message: "Missing or wrong bearer token: send Authorization: Bearer METRICS_TOKEN." } },
      { status: 401, headers: { ...NO_STORE, "WWW-Authenticate": 'Bearer realm="metrics"' } },
    );
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { ...NO_STORE, "Content-Type": registry.contentType } });
}
