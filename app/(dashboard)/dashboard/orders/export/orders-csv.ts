import "server-only";
import { orderFees } from "@/components/orders/fees";
import { orderActivityBatches, type ActivityFilters, type ActivityRow } from "@/db/queries/activity";
import { csvRow } from "@/lib/csv";
import { log } from "@/lib/logger";

export const ORDER_CSV_HEADER = [
  "time",
  "kind",
  "account",
  "strategy",
  "symbol",
  "side",
  "type",
  "status",
  "amount",
  "filled",
  "price",
  "average",
  "cost",
  "fee",
  "fee_currency",
  "client_order_id",
  "exchange_order_id",
  "note",
] as const;

/** One order or skipped signal as a CSV line: decimals exactly as stored, times in ISO 8601 (UTC). */
export function orderCsvLine(row: ActivityRow): string {
  if (row.kind === "skip") {
    return csvRow([row.createdAt.toISOString(), "skip", row.accountLabel, row.strategyName, row.symbol, row.action, "", row.outcome, "", "", row.price, "", "", "", "", "", "", row.reason]);
  }
  const fees = orderFees(row);
  return csvRow([
    row.createdAt.toISOString(),
    "order",
    row.accountLabel,
    row.strategyName,
    row.symbol,
    row.side,
    row.type,
    row.status,
    row.amount,
    row.filled,
    row.price,
    row.average,
    row.cost,
    fees.map((f) => f.cost).join(";"),
    fees.map((f) => f.currency).join(";"),
    row.clientOrderId,
    row.exchangeOrderId,
    row.error?.code ?? "",
  ]);
}

/**
 * The filtered orders as a CSV stream: a header, then one keyset page of rows per pull, so the memory
 * held is one page whatever the number of rows. A byte-order mark lets Excel read it as UTF-8.
 */
export function orderCsvStream(filters: ActivityFilters, batchSize = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = orderActivityBatches(filters, batchSize);
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`\uFEFF${csvRow(ORDER_CSV_HEADER)}`));
      },
      async pull(controller) {
        try {
          const next = await batches.next();
          if (next.done) return controller.close();
          controller.enqueue(encoder.encode(next.value.map(orderCsvLine).join("")));
        } catch (error) {
          log().error({ err: error }, "orders CSV export failed");
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
