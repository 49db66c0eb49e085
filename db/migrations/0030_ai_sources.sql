CREATE TABLE "ai_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"symbol" text NOT NULL,
	"slot" text NOT NULL,
	"prompt" text NOT NULL,
	"raw_answer" text,
	"action" text,
	"confidence" numeric,
	"reasoning" text,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"latency_ms" integer,
	"outcome" text NOT NULL,
	"error" text,
	"signal_event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ai_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"base_url" text DEFAULT 'https://api.deepseek.com/v1' NOT NULL,
	"model" text DEFAULT 'deepseek-chat' NOT NULL,
	"api_key_enc" text,
	"key_version" integer,
	"key_hint" text,
	"signal_id" uuid NOT NULL,
	"symbols" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"candle_source" text DEFAULT 'paper' NOT NULL,
	"interval" text DEFAULT '1h' NOT NULL,
	"every_minutes" integer DEFAULT 60 NOT NULL,
	"prompt_template" text NOT NULL,
	"min_confidence" numeric DEFAULT '0.7' NOT NULL,
	"daily_signal_cap" integer DEFAULT 10 NOT NULL,
	"daily_token_cap" integer DEFAULT 200000 NOT NULL,
	"input_price_per_m" numeric DEFAULT '0' NOT NULL,
	"output_price_per_m" numeric DEFAULT '0' NOT NULL,
	"timeout_ms" integer DEFAULT 30000 NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"lease_until" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_sources_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "ai_runs" ADD CONSTRAINT "ai_runs_source_id_ai_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."ai_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_runs" ADD CONSTRAINT "ai_runs_signal_event_id_signal_events_id_fk" FOREIGN KEY ("signal_event_id") REFERENCES "public"."signal_events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_sources" ADD CONSTRAINT "ai_sources_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_sources" ADD CONSTRAINT "ai_sources_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ai_runs_slot_uq" ON "ai_runs" USING btree ("source_id","symbol","slot");--> statement-breakpoint
CREATE INDEX "ai_runs_source_created_idx" ON "ai_runs" USING btree ("source_id","created_at");--> statement-breakpoint
CREATE INDEX "ai_runs_event_idx" ON "ai_runs" USING btree ("signal_event_id");