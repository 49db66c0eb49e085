-- Signals that exist now keep the sha256(secret) signing key their senders use; new ones sign with the secret.
ALTER TABLE "signals" ADD COLUMN "signing_scheme" text DEFAULT 'legacy' NOT NULL;--> statement-breakpoint
ALTER TABLE "signals" ALTER COLUMN "signing_scheme" SET DEFAULT 'v1';
