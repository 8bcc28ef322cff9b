ALTER TABLE "takes" ADD COLUMN "copy_status" text;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "copy_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "copy_retry_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "takes" ADD COLUMN "copy_error" text;--> statement-breakpoint
UPDATE "takes" SET "copy_status" = CASE WHEN "video_key" IS NOT NULL THEN 'kept' WHEN "status" = 'COMPLETED' THEN 'failed' END;