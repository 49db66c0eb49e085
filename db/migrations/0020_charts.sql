CREATE TABLE "candle_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"candles" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paper_price_ticks" (
	"symbol" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"price" numeric NOT NULL,
	CONSTRAINT "paper_price_ticks_symbol_at_pk" PRIMARY KEY("symbol","at")
);
--> statement-breakpoint
CREATE INDEX "paper_price_ticks_at_idx" ON "paper_price_ticks" USING btree ("at");