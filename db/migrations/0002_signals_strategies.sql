CREATE TABLE "queue_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"payload" jsonb NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_token" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "signal_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"signal_id" uuid NOT NULL,
	"event_id" uuid,
	"outcome" text NOT NULL,
	"reason" text,
	"action" text,
	"symbol" text,
	"ip" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "signal_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"signal_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"action" text NOT NULL,
	"symbol" text NOT NULL,
	"raw_symbol" text NOT NULL,
	"price" numeric,
	"comment" text,
	"sent_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"processed_at" timestamp with time zone,
	"test" boolean DEFAULT false NOT NULL,
	"test_strategy_id" uuid
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"secret_hash" text NOT NULL,
	"secret_hint" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"secret_rotated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"drain_token" text,
	"drain_lease_until" timestamp with time zone,
	CONSTRAINT "signals_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "strategies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"signal_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"symbol" text NOT NULL,
	"follow_buy" boolean DEFAULT true NOT NULL,
	"follow_sell" boolean DEFAULT true NOT NULL,
	"follow_close" boolean DEFAULT true NOT NULL,
	"follow_cancel" boolean DEFAULT true NOT NULL,
	"sizing_mode" text DEFAULT 'quote' NOT NULL,
	"sizing_value" numeric NOT NULL,
	"order_type" text DEFAULT 'market' NOT NULL,
	"limit_offset_pct" numeric DEFAULT '0' NOT NULL,
	"take_profit_pct" numeric,
	"stop_loss_pct" numeric,
	"max_open_orders" integer,
	"max_position" numeric,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_executions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"strategy_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"leg" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"detail" jsonb,
	"order_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_positions" (
	"strategy_id" uuid PRIMARY KEY NOT NULL,
	"amount" numeric DEFAULT '0' NOT NULL,
	"cost_basis" numeric DEFAULT '0' NOT NULL,
	"realized_pnl" numeric DEFAULT '0' NOT NULL,
	"wins" integer DEFAULT 0 NOT NULL,
	"losses" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "symbol_switches" (
	"user_id" uuid NOT NULL,
	"symbol" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "symbol_switches_user_id_symbol_pk" PRIMARY KEY("user_id","symbol")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "trading_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "strategy_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "event_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "leg" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "parent_order_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "applied_filled" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "trigger_price" numeric;--> statement-breakpoint
ALTER TABLE "signal_deliveries" ADD CONSTRAINT "signal_deliveries_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_events" ADD CONSTRAINT "signal_events_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategies" ADD CONSTRAINT "strategies_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategies" ADD CONSTRAINT "strategies_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategies" ADD CONSTRAINT "strategies_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_executions" ADD CONSTRAINT "strategy_executions_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_executions" ADD CONSTRAINT "strategy_executions_event_id_signal_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."signal_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_positions" ADD CONSTRAINT "strategy_positions_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "symbol_switches" ADD CONSTRAINT "symbol_switches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "queue_jobs_ready_idx" ON "queue_jobs" USING btree ("queue","available_at","id");--> statement-breakpoint
CREATE INDEX "signal_deliveries_signal_idx" ON "signal_deliveries" USING btree ("signal_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_events_idem_uq" ON "signal_events" USING btree ("signal_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "signal_events_signal_seq_idx" ON "signal_events" USING btree ("signal_id","seq");--> statement-breakpoint
CREATE INDEX "signal_events_pending_idx" ON "signal_events" USING btree ("signal_id","seq") WHERE "signal_events"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "strategies_signal_idx" ON "strategies" USING btree ("signal_id","enabled");--> statement-breakpoint
CREATE INDEX "strategies_user_idx" ON "strategies" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "strategy_executions_uq" ON "strategy_executions" USING btree ("strategy_id","event_id","leg");--> statement-breakpoint
CREATE INDEX "strategy_executions_recent_idx" ON "strategy_executions" USING btree ("strategy_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_strategy_event_leg_uq" ON "orders" USING btree ("strategy_id","event_id","leg") WHERE "orders"."strategy_id" is not null;--> statement-breakpoint
CREATE INDEX "orders_strategy_idx" ON "orders" USING btree ("strategy_id","status");