DROP INDEX "orders_open_idx";--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "status" SET DEFAULT 'sending';--> statement-breakpoint
ALTER TABLE "exchange_accounts" ADD COLUMN "monitored_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "applied_cost" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "applied_fee" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "send_by" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "signal_events" ADD COLUMN "max_lag_seconds" integer;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD COLUMN "other_fees" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD COLUMN "busy_token" text;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD COLUMN "busy_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD COLUMN "protection" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD COLUMN "protection_note" text;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD COLUMN "protection_checked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "orders_open_idx" ON "orders" USING btree ("account_id","status") WHERE "orders"."status" in ('sending', 'open', 'partially_filled', 'unknown', 'retry');--> statement-breakpoint
-- Rows booked before these columns existed: what was booked, at the order's average and its share of the fee.
UPDATE "orders" SET "applied_cost" = "applied_filled" * coalesce("average", 0), "applied_fee" = CASE WHEN "filled" > 0 THEN coalesce("fee", 0) * "applied_filled" / "filled" ELSE 0 END WHERE "applied_filled" > 0;
