CREATE TYPE "public"."backfill_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."discovery_method" AS ENUM('feed', 'page', 'search', 'paged_feed', 'sitemap', 'wayback', 'search_window', 'import');--> statement-breakpoint
CREATE TYPE "public"."full_text_status" AS ENUM('ok', 'failed');--> statement-breakpoint
CREATE TYPE "public"."source_type" AS ENUM('feed', 'page', 'search', 'import');--> statement-breakpoint
CREATE TABLE "backfills" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"status" "backfill_status" DEFAULT 'queued' NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"job_run_id" bigint,
	"claimed_by" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "type" "source_type" DEFAULT 'feed' NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "full_text" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "outlet" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "discovered_via" "discovery_method" DEFAULT 'feed' NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "full_text_status" "full_text_status";--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "full_text_error" text;--> statement-breakpoint
ALTER TABLE "backfills" ADD CONSTRAINT "backfills_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backfills_source_idx" ON "backfills" USING btree ("source_id","created_at");