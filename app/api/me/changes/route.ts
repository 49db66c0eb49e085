import type { NextRequest } from "next/server";
import { z } from "zod";
import { changeVersion } from "@/db/queries/live";
import { auth } from "@/lib/auth/auth";
import { PERMISSIONS } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  // The version the page was showing: `changed` compares with it.
  since: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

const unauthorized = () => new AppError("unauthorized", "Please sign in again.").toResponse();

/**
 * The live pages poll this: a small version of the signed-in trader's own orders, executions and
 * positions. One cheap query per call, no session write (an API route is not activity for the idle timeout).
 */
export async function GET(request: NextRequest) {
  const parsed = querySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) return new AppError("bad_request", "Invalid query.").toResponse();
  const session = await auth();
  const { id } = session?.user ?? {};
  const ids = z.object({ id: z.uuid(), deviceId: z.uuid(), sessionId: z.uuid() }).safeParse({ id, deviceId: session?.deviceId, sessionId: session?.sessionId });
  if (!session || !ids.success) return unauthorized();
  try {
    const version = await changeVersion({ userId: ids.data.id, sessionVersion: session.sessionVersion ?? 0, deviceId: ids.data.deviceId, sessionId: ids.data.sessionId, minRole: PERMISSIONS["dashboard.view"] });
    if (!version) return unauthorized();
    const since = parsed.data.since;
    return Response.json({ version, changed: since !== undefined && since !== version }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log().error({ err: error }, "live change check failed");
    return new AppError("internal", "Could not check for changes.").toResponse();
  }
}
