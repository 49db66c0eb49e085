import "server-only";
import Decimal from "decimal.js";
import type { ActivityFilters } from "@/db/queries/activity";
import { fillLedgerBatches, type FillExportRow } from "@/db/queries/fill-export";
import { csvRow } from "@/lib/csv";
import { log } from "@/lib/logger";

export const FILL_CSV_HEADER = [
  "time",
  "account",
  "strategy",
  "symbol",
  "side",
  "amount",
  "price",
  "quote_value",
  "fee",
  "fee_currency",
  "fee_in_quote",
  "order_type",
  "leg",
  "order_status",
  "client_order_id",
  "fill_id",
] as const;

/** Postgres' text form of a timestamptz ("2030-01-01 00:00:00.123+00") as ISO 8601 UTC, microseconds kept. */
function isoTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2})(?::?(\d{2}))?$/.exec(text);
  if (!m) return new Date(text).toISOString();
  const [, day, time, fraction = "", hours, minutes = "00"] = m;
  if (hours === "+00" && minutes === "00") return `${day}T${time}${fraction}Z`;
  return new Date(`${day}T${time}${fraction}${hours}:${minutes}`).toISOString();
}

/** One fill as a CSV line: decimals exactly as booked; several fee currencies joined with ";". */
export function fillCsvLine(row: FillExportRow): string {
  const fees = Object.entries(row.fees ?? {}).filter(([, cost]) => !new Decimal(cost).isZero());
  return csvRow([
    isoTime(row.at),
    row.accountLabel,
    row.strategyName,
    row.symbol,
    row.side,
    row.amount,
    row.price,
    row.quoteValue,
    fees.map(([, cost]) => cost).join(";"),
    fees.map(([currency]) => currency).join(";"),
    row.feeQuote,
    row.orderType,
    row.leg,
    row.orderStatus,
    row.clientOrderId,
    row.id,
  ]);
}

/** The filtered fill ledger as a CSV stream, one keyset page per pull (as the orders export). */
export function fillCsvStream(filters: ActivityFilters, batchSize = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = fillLedgerBatches(filters, batchSize);
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`\uFEFF${csvRow(FILL_CSV_HEADER)}`));
      },
      async pull(controller) {
        try {
          const next = await batches.next();
          if (next.done) return controller.close();
          controller.enqueue(encoder.encode(next.value.map(fillCsvLine).join("")));
        } catch (error) {
          log().error({ err: error }, "fills CSV export failed");
          controller.error(new Error("export failed"));
        }
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
