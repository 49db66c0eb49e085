CREATE TABLE "funding_payments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"strategy_id" uuid NOT NULL,
	"venue_id" text NOT NULL,
	"symbol" text NOT NULL,
	"amount" numeric NOT NULL,
	"currency" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"booked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "funding_reads" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"read_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "reduce_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "signal_events" ADD COLUMN "target_position" text;--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "leverage" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "margin_mode" text DEFAULT 'isolated' NOT NULL;--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "allow_shorts" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "funding_payments" ADD CONSTRAINT "funding_payments_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_payments" ADD CONSTRAINT "funding_payments_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_reads" ADD CONSTRAINT "funding_reads_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "funding_payments_venue_uq" ON "funding_payments" USING btree ("account_id","venue_id","strategy_id");--> statement-breakpoint
CREATE INDEX "funding_payments_strategy_idx" ON "funding_payments" USING btree ("strategy_id","at");