CREATE TABLE "shared_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "venue_bans" (
	"venue" text NOT NULL,
	"egress" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"status" integer NOT NULL,
	CONSTRAINT "venue_bans_venue_egress_pk" PRIMARY KEY("venue","egress")
);
