CREATE TABLE "takes" (
	"id" text PRIMARY KEY NOT NULL,
	"endpoint_id" text NOT NULL,
	"input" jsonb NOT NULL,
	"fal_request_id" text,
	"status" text DEFAULT 'IN_QUEUE' NOT NULL,
	"queue_position" integer,
	"logs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"output" jsonb,
	"error" jsonb,
	"estimate_usd" double precision,
	"billed_usd" double precision,
	"inference_time" double precision,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"video_key" text,
	"poster_key" text,
	"share_enabled" boolean DEFAULT true NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp (3) with time zone,
	CONSTRAINT "takes_fal_request_id_unique" UNIQUE("fal_request_id"),
	CONSTRAINT "takes_status_check" CHECK ("takes"."status" in ('IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'))
);
--> statement-breakpoint
CREATE INDEX "takes_created_idx" ON "takes" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "takes_endpoint_created_idx" ON "takes" USING btree ("endpoint_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "takes_status_created_idx" ON "takes" USING btree ("status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "takes_unfinished_idx" ON "takes" USING btree ("created_at","id") WHERE "takes"."status" in ('IN_QUEUE', 'IN_PROGRESS');--> statement-breakpoint
CREATE INDEX "takes_prompt_trgm_idx" ON "takes" USING gin (("input" ->> 'prompt') gin_trgm_ops);