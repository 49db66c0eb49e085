CREATE TABLE "realized_pnl_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"strategy_id" uuid NOT NULL,
	"amount" numeric NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "realized_pnl_entries" ADD CONSTRAINT "realized_pnl_entries_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "realized_pnl_entries_strategy_at_idx" ON "realized_pnl_entries" USING btree ("strategy_id","at");--> statement-breakpoint
CREATE FUNCTION "realized_pnl_entry"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW."realized_pnl" = OLD."realized_pnl" THEN RETURN NULL; END IF;
	IF TG_OP = 'INSERT' AND NEW."realized_pnl" = 0 THEN RETURN NULL; END IF;
	INSERT INTO "realized_pnl_entries" ("strategy_id", "amount", "at")
	VALUES (NEW."strategy_id", NEW."realized_pnl" - CASE WHEN TG_OP = 'UPDATE' THEN OLD."realized_pnl" ELSE 0 END, clock_timestamp());
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "strategy_positions_realized_pnl" AFTER INSERT OR UPDATE OF "realized_pnl" ON "strategy_positions" FOR EACH ROW EXECUTE FUNCTION "realized_pnl_entry"();
