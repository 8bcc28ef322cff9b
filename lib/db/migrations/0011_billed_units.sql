-- What fal bills a take for: the units of its x-fal-billable-units answer (megapixels or seconds, as
-- billed_unit says) and the rate they were billed at (lib/pricing/billed.ts). Null units: fal answered
-- none, and billed_usd was computed from the output.
ALTER TABLE "takes" ADD COLUMN "billable_units" double precision;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "billed_unit" text;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "billed_rate_usd" double precision;
