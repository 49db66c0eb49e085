import { z } from "zod";
import { orderListQuerySchema } from "./accounts";

export const ACTIVITY_VIEWS = ["all", "orders", "skips"] as const;

/** The Orders page: the order filters, and whether skipped signals are listed with the orders. */
export const ordersPageQuerySchema = orderListQuerySchema.extend({
  view: z.enum(ACTIVITY_VIEWS).catch("all").default("all"),
});

export type OrdersPageQuery = z.infer<typeof ordersPageQuerySchema>;
