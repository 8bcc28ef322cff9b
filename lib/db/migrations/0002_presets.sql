CREATE TABLE "presets" (
	"id" text PRIMARY KEY NOT NULL,
	"endpoint_id" text NOT NULL,
	"name" text NOT NULL,
	"values" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "presets_endpoint_name_unique" UNIQUE("endpoint_id","name"),
	CONSTRAINT "presets_name_check" CHECK (char_length("presets"."name") between 1 and 80 and "presets"."name" = btrim("presets"."name"))
);
