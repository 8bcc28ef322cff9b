CREATE TABLE "rate_limit_hits" (
	"key" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sweeps" ALTER COLUMN "seed" SET DATA TYPE text USING trunc("seed")::numeric::text;--> statement-breakpoint
ALTER TABLE "sweeps" ADD COLUMN "saved_usd" double precision;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "follow_mode" text;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "cancel_requested_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "settling_until" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "rate_limit_hits_key_at_idx" ON "rate_limit_hits" USING btree ("key","at");