CREATE TABLE "equity_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"equity_usdt" numeric NOT NULL,
	"balances" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"unpriced" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "equity_snapshots" ADD CONSTRAINT "equity_snapshots_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equity_snapshots" ADD CONSTRAINT "equity_snapshots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "equity_snapshots_account_slot_uq" ON "equity_snapshots" USING btree ("account_id","slot");--> statement-breakpoint
CREATE INDEX "equity_snapshots_user_slot_idx" ON "equity_snapshots" USING btree ("user_id","slot");