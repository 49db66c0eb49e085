ALTER TABLE "strategy_executions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "strategy_executions" SET "updated_at" = "created_at";--> statement-breakpoint
CREATE INDEX "orders_user_updated_idx" ON "orders" USING btree ("user_id","updated_at");--> statement-breakpoint
CREATE INDEX "strategy_executions_updated_idx" ON "strategy_executions" USING btree ("strategy_id","updated_at");