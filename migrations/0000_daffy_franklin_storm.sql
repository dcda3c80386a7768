CREATE TYPE "public"."item_status" AS ENUM('pending', 'classified', 'failed');--> statement-breakpoint
CREATE TYPE "public"."job_status" AS ENUM('running', 'ok', 'failed', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."key_scope" AS ENUM('write', 'admin');--> statement-breakpoint
CREATE TYPE "public"."source_kind" AS ENUM('news', 'union', 'studio', 'opinion');--> statement-breakpoint
CREATE TYPE "public"."stance" AS ENUM('excitement', 'worry', 'neutral');--> statement-breakpoint
CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"kind" "source_kind" NOT NULL,
	"organisation" text,
	"country" text,
	"language" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"fetch_interval_minutes" integer DEFAULT 60 NOT NULL,
	"last_fetched_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_status" integer,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"next_fetch_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"etag" text,
	"last_modified" text,
	"claimed_by" text,
	"claim_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "sources_url_unique" UNIQUE("url")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" "key_scope" NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "daily_rollups" (
	"day" date NOT NULL,
	"source_kind" text NOT NULL,
	"relevant" boolean NOT NULL,
	"stance" "stance" NOT NULL,
	"dim" text NOT NULL,
	"value" text NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_dirty_days" (
	"day" date PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"url" text NOT NULL,
	"guid" text,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"author" text,
	"published_at" timestamp with time zone NOT NULL,
	"published_estimated" boolean DEFAULT false NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"content_hash" text NOT NULL,
	"dedup_key" text,
	"language" text,
	"studios" text[] DEFAULT '{}'::text[] NOT NULL,
	"unions" text[] DEFAULT '{}'::text[] NOT NULL,
	"areas" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" "item_status" DEFAULT 'pending' NOT NULL,
	"relevant" boolean,
	"stance" "stance",
	"confidence" real,
	"concerns" text[] DEFAULT '{}'::text[] NOT NULL,
	"explanation" jsonb,
	"model" text,
	"classified_at" timestamp with time zone,
	"classify_attempts" integer DEFAULT 0 NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', left(coalesce(content, ''), 20000)), 'C')) STORED,
	CONSTRAINT "items_url_unique" UNIQUE("url"),
	CONSTRAINT "items_dedup_key_unique" UNIQUE("dedup_key")
);
--> statement-breakpoint
CREATE TABLE "item_sightings" (
	"item_id" bigint NOT NULL,
	"source_id" integer NOT NULL,
	"url" text NOT NULL,
	"guid" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_sightings_source_id_url_pk" PRIMARY KEY("source_id","url"),
	CONSTRAINT "sightings_source_guid" UNIQUE("source_id","guid")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"instance" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"status" "job_status" DEFAULT 'running' NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" serial PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"entity_type" text NOT NULL,
	"entity" text NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	"baseline" double precision NOT NULL,
	"score" double precision NOT NULL,
	"p_value" double precision NOT NULL,
	"count" integer NOT NULL,
	"baseline_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_day_entity_metric" UNIQUE("day","entity_type","entity","metric")
);
--> statement-breakpoint
CREATE TABLE "announcements" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"studio" text,
	"date" date NOT NULL,
	"time" time,
	"time_zone" text,
	"url" text,
	"description" text DEFAULT '' NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"webhook_id" integer NOT NULL,
	"alert_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_webhook_alert" UNIQUE("webhook_id","alert_id")
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" serial PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"entity" text,
	"metric" text,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "digests" (
	"id" serial PRIMARY KEY NOT NULL,
	"week" text NOT NULL,
	"studio" text,
	"union_name" text,
	"filter_key" text NOT NULL,
	"version" integer NOT NULL,
	"generated_at" timestamp with time zone NOT NULL,
	"model" text NOT NULL,
	"markdown" text NOT NULL,
	"html" text NOT NULL,
	"csv" text NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "digests_week_filter_version" UNIQUE("week","filter_key","version")
);
--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_sightings" ADD CONSTRAINT "item_sightings_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_sightings" ADD CONSTRAINT "item_sightings_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sources_due_idx" ON "sources" USING btree ("next_fetch_at") WHERE "sources"."enabled" and "sources"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "daily_rollups_dim_value_day_idx" ON "daily_rollups" USING btree ("dim","value","day");--> statement-breakpoint
CREATE INDEX "daily_rollups_day_idx" ON "daily_rollups" USING btree ("day");--> statement-breakpoint
CREATE INDEX "items_published_idx" ON "items" USING btree ("published_at","id");--> statement-breakpoint
CREATE INDEX "items_source_idx" ON "items" USING btree ("source_id","published_at");--> statement-breakpoint
CREATE INDEX "items_pending_idx" ON "items" USING btree ("id") WHERE "items"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "items_search_idx" ON "items" USING gin ("search");--> statement-breakpoint
CREATE INDEX "sightings_item_idx" ON "item_sightings" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "job_runs_job_started_idx" ON "job_runs" USING btree ("job","started_at");--> statement-breakpoint
CREATE INDEX "job_runs_started_idx" ON "job_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "alerts_day_idx" ON "alerts" USING btree ("day");--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "digests_generated_idx" ON "digests" USING btree ("generated_at");