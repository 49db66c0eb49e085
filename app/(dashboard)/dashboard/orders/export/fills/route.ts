import type { NextRequest } from "next/server";
import { requireUser } from "@/lib/auth/session";
import { AppError, isAppError } from "@/lib/errors";
import { activityFilters, parseOrdersQuery } from "@/lib/validations/orders";
import { fillCsvStream } from "../fills-csv";

export const dynamic = "force-dynamic";

/** The fill ledger behind the Orders page's filtered list as CSV, streamed page by page. */
export async function GET(request: NextRequest) {
  let userId: string;
  try {
    userId = (await requireUser("dashboard.view")).id;
  } catch (error) {
    if (isAppError(error)) return error.toResponse();
    throw error;
  }
  const { filters, invalid } = parseOrdersQuery(Object.fromEntries(request.nextUrl.searchParams));
  if (invalid.length > 0) {
    return new AppError("bad_request", `Invalid filter: ${invalid.join(", ")}. Remove it or pick a value from the Orders page.`).toResponse();
  }
  const date = new Date().toISOString().slice(0, 10);
  return new Response(fillCsvStream(activityFilters(userId, filters)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="fills-${date}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
