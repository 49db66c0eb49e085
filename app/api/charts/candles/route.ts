import type { NextRequest } from "next/server";
import { requireUser } from "@/lib/auth/session";
import { loadChart } from "@/lib/charts/candles";
import { AppError, isAppError } from "@/lib/errors";
import { candlesQuerySchema } from "@/lib/validations/charts";

export const dynamic = "force-dynamic";

/** Candles and the strategy's (or account's) executions for the price chart; only the user's own. */
export async function GET(request: NextRequest) {
  try {
    const user = await requireUser("dashboard.view");
    const parsed = candlesQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("bad_request", `Invalid ${issue?.path.join(".") || "query"}: ${issue?.message ?? "check the chart's link"}`);
    }
    const data = await loadChart(user.id, parsed.data);
    return Response.json(data, { headers: { "Cache-Control": "private, no-store" } });
  } catch (error) {
    if (isAppError(error)) return error.toResponse();
    throw error;
  }
}
