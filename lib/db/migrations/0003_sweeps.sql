CREATE TABLE "sweeps" (
	"id" text PRIMARY KEY NOT NULL,
	"endpoint_id" text NOT NULL,
	"input" jsonb NOT NULL,
	"axes" jsonb NOT NULL,
	"seed" double precision,
	"vary_seed" boolean DEFAULT false NOT NULL,
	"concurrency" integer NOT NULL,
	"cell_count" integer NOT NULL,
	"next_index" integer DEFAULT 0 NOT NULL,
	"estimate_usd" double precision NOT NULL,
	"status" text DEFAULT 'RUNNING' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp (3) with time zone,
	CONSTRAINT "sweeps_status_check" CHECK ("sweeps"."status" in ('RUNNING', 'DONE', 'STOPPED')),
	CONSTRAINT "sweeps_concurrency_check" CHECK ("sweeps"."concurrency" >= 1)
);
--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "sweep_id" text;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "sweep_index" integer;--> statement-breakpoint
CREATE INDEX "sweeps_running_idx" ON "sweeps" USING btree ("created_at") WHERE "sweeps"."status" = 'RUNNING';--> statement-breakpoint
ALTER TABLE "takes" ADD CONSTRAINT "takes_sweep_id_sweeps_id_fk" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "takes" ADD CONSTRAINT "takes_sweep_cell_unique" UNIQUE("sweep_id","sweep_index");