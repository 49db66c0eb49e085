CREATE TABLE "fifo_books" (
	"user_id" uuid NOT NULL,
	"book" text NOT NULL,
	"account_id" uuid NOT NULL,
	"strategy_id" uuid,
	"symbol" text NOT NULL,
	"lots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"last_fill_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fifo_books_user_id_book_pk" PRIMARY KEY("user_id","book")
);
--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "realized_pnl" numeric;--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "fifo_booked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "fifo_books" ADD CONSTRAINT "fifo_books_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fifo_books" ADD CONSTRAINT "fifo_books_account_id_exchange_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."exchange_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fills_user_at_id_desc_idx" ON "fills" USING btree ("user_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "fills_fifo_pending_idx" ON "fills" USING btree ("user_id") WHERE not "fills"."fifo_booked";