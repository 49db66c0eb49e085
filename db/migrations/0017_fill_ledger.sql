CREATE TABLE "fills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"strategy_id" uuid,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"amount" numeric NOT NULL,
	"price" numeric NOT NULL,
	"quote_value" numeric NOT NULL,
	"fees" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fee_quote" numeric DEFAULT '0' NOT NULL,
	"fee_prices" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"filled_after" numeric NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"booked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fills_order_filled_uq" ON "fills" USING btree ("order_id","filled_after");--> statement-breakpoint
CREATE INDEX "fills_user_at_idx" ON "fills" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "fills_strategy_at_idx" ON "fills" USING btree ("strategy_id","at");--> statement-breakpoint
CREATE INDEX "fills_account_at_idx" ON "fills" USING btree ("account_id","at");