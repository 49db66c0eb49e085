CREATE TABLE "account_reconciliations" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"lease_until" timestamp with time zone,
	"next_at" timestamp with time zone,
	"checked_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "position_mismatches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"market" text NOT NULL,
	"asset" text NOT NULL,
	"kind" text NOT NULL,
	"booked" numeric NOT NULL,
	"held" numeric NOT NULL,
	"difference" numeric NOT NULL,
	"tolerance" numeric NOT NULL,
	"strategy_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "account_reconciliations" ADD CONSTRAINT "account_reconciliations_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "position_mismatches" ADD CONSTRAINT "position_mismatches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "position_mismatches" ADD CONSTRAINT "position_mismatches_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "position_mismatches_open_uq" ON "position_mismatches" USING btree ("account_id","market","asset") WHERE "position_mismatches"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "position_mismatches_user_idx" ON "position_mismatches" USING btree ("user_id","resolved_at");