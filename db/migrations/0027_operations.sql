CREATE TABLE "exchange_error_minutes" (
	"venue" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "exchange_error_minutes_venue_minute_pk" PRIMARY KEY("venue","minute")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"job" text PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"runs" integer DEFAULT 1 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_ok_at" timestamp with time zone
);
