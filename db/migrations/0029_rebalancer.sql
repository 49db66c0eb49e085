CREATE TABLE "rebalance_run_orders" (
	"run_id" uuid NOT NULL,
	"leg" integer NOT NULL,
	"order_id" uuid NOT NULL,
	CONSTRAINT "rebalance_run_orders_run_id_leg_pk" PRIMARY KEY("run_id","leg")
);
--> statement-breakpoint
CREATE TABLE "rebalance_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"reason" text,
	"valuation" jsonb,
	"planned_trades" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rebalancers" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"quote" text DEFAULT 'USDT' NOT NULL,
	"targets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"interval_hours" integer,
	"drift_pct" numeric,
	"min_trade_quote" numeric DEFAULT '10' NOT NULL,
	"dry_run" boolean DEFAULT true NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"lease_until" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"drift_checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rebalance_run_orders" ADD CONSTRAINT "rebalance_run_orders_run_id_rebalance_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."rebalance_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebalance_run_orders" ADD CONSTRAINT "rebalance_run_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebalance_runs" ADD CONSTRAINT "rebalance_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebalance_runs" ADD CONSTRAINT "rebalance_runs_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebalancers" ADD CONSTRAINT "rebalancers_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebalancers" ADD CONSTRAINT "rebalancers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rebalance_runs_account_idx" ON "rebalance_runs" USING btree ("account_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rebalance_runs_running_uq" ON "rebalance_runs" USING btree ("account_id") WHERE "rebalance_runs"."status" = 'running';