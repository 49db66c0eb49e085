import "server-only";
import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { requestIdOf, withLogContext } from "@/lib/logger";
import { trackJob } from "@/lib/metrics/jobs";

/** Cron routes: `Authorization: Bearer CRON_SECRET` (what Vercel Cron sends), compared in constant time. */
export async function cronRoute(request: Request, job: () => Promise<{ processed: number }>) {
  const secret = env().CRON_SECRET;
  if (!secret) {
    return Response.json(
      { error: { code: "not_configured", message: "Set CRON_SECRET to call this route; the app drains in-process when INPROCESS_CRON=true." } },
      { status: 503 },
    );
  }
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const wanted = Buffer.from(`Bearer ${secret}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return Response.json({ error: { code: "unauthorized", message: "Missing or wrong bearer token." } }, { status: 401 });
  }
  // The job is named by its route (/api/cron/drain -> "drain") for the run book and the metrics.
  const name = new URL(request.url).pathname.split("/").filter(Boolean).pop() ?? "cron";
  const { processed } = await withLogContext({ requestId: requestIdOf(request) }, () => trackJob(name, "cron", job));
  return Response.json({ ok: true, processed });
}
