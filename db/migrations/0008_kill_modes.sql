ALTER TABLE "users" ADD COLUMN "trading_keeps_exits" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "keeps_exits" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "symbol_switches" ADD COLUMN "keeps_exits" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Switches already off meant "stop everything" when they were turned off: they keep meaning it.
UPDATE "users" SET "trading_keeps_exits" = false WHERE "trading_enabled" = false;--> statement-breakpoint
UPDATE "strategies" SET "keeps_exits" = false WHERE "enabled" = false;--> statement-breakpoint
UPDATE "symbol_switches" SET "keeps_exits" = false WHERE "enabled" = false;
