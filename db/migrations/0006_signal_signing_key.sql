ALTER TABLE "signals" ADD COLUMN "signing_key_enc" text;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "signing_key_version" smallint;