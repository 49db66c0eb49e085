import { sql } from "drizzle-orm";
import { getDbHandle } from "@/db/client";
import pkg from "@/package.json";
import { log } from "@/lib/logger";

export const dynamic = "force-dynamic";

export async function GET() {
  const started = performance.now();
  try {
    const { db, driver } = await getDbHandle();
    await db.execute(sql`select 1`);
    return Response.json({
      status: "ok",
      version: pkg.version,
      database: { status: "ok", driver, latencyMs: Math.round(performance.now() - started) },
    });
  } catch (error) {
    log().error({ err: error }, "health check: database unavailable");
    return Response.json(
      { status: "degraded", version: pkg.version, database: { status: "unavailable" } },
      { status: 503 },
    );
  }
}
