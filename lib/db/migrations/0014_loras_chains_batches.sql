-- Issue 17: the LoRA library (loras), shot chains (a take's parent), batches (a sweep of kind 'batch' runs one take
-- per row), and history search over the prompt fal used (output ->> 'prompt').
CREATE TABLE "loras" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"base" text NOT NULL,
	"kind" text NOT NULL,
	"recommended_scale" double precision NOT NULL,
	"trigger_words" text,
	"note" text,
	"official" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loras_url_unique" UNIQUE("url"),
	CONSTRAINT "loras_name_check" CHECK (char_length("loras"."name") between 1 and 80 and "loras"."name" = btrim("loras"."name")),
	CONSTRAINT "loras_scale_check" CHECK ("loras"."recommended_scale" >= 0 and "loras"."recommended_scale" <= 4)
);
--> statement-breakpoint
ALTER TABLE "sweeps" ADD COLUMN "kind" text DEFAULT 'sweep' NOT NULL;--> statement-breakpoint
ALTER TABLE "sweeps" ADD COLUMN "rows" jsonb;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "parent_take_id" text;--> statement-breakpoint
ALTER TABLE "takes" ADD CONSTRAINT "takes_parent_take_id_takes_id_fk" FOREIGN KEY ("parent_take_id") REFERENCES "takes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "takes_parent_idx" ON "takes" USING btree ("parent_take_id") WHERE "takes"."parent_take_id" is not null;--> statement-breakpoint
CREATE INDEX "takes_output_prompt_trgm_idx" ON "takes" USING gin (("output" ->> 'prompt') gin_trgm_ops);--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_kind_check" CHECK ("sweeps"."kind" in ('sweep', 'batch') and ("sweeps"."kind" = 'batch') = ("sweeps"."rows" is not null));