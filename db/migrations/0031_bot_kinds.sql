ALTER TABLE "strategies" ADD COLUMN "kind" text DEFAULT 'signal' NOT NULL;--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "bot_settings" jsonb;