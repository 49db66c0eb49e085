ALTER TABLE "orders" ADD COLUMN "applied_fees" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "fees" jsonb;--> statement-breakpoint
UPDATE "orders" SET "applied_fees" = jsonb_build_object(coalesce("fee_currency", split_part(split_part("symbol", '/', 2), ':', 1)), "applied_fee"::text) WHERE "applied_fee" > 0;--> statement-breakpoint
UPDATE "orders" SET "fees" = jsonb_build_object("fee_currency", "fee"::text) WHERE "fee" IS NOT NULL AND "fee_currency" IS NOT NULL;
