CREATE TABLE "reaction_buckets" (
	"announcement_id" integer NOT NULL,
	"offset_day" integer NOT NULL,
	"day" date NOT NULL,
	"source_kind" text NOT NULL,
	"stance" "stance" NOT NULL,
	"n" integer NOT NULL,
	"top" jsonb NOT NULL,
	CONSTRAINT "reaction_buckets_announcement_id_offset_day_day_source_kind_stance_pk" PRIMARY KEY("announcement_id","offset_day","day","source_kind","stance")
);
--> statement-breakpoint
CREATE TABLE "reaction_builds" (
	"announcement_id" integer PRIMARY KEY NOT NULL,
	"moment" timestamp with time zone NOT NULL,
	"studio" text,
	"keyword_query" text,
	"days" integer NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reaction_buckets" ADD CONSTRAINT "reaction_buckets_announcement_id_reaction_builds_announcement_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."reaction_builds"("announcement_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reaction_builds" ADD CONSTRAINT "reaction_builds_announcement_id_announcements_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."announcements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reaction_buckets_day_idx" ON "reaction_buckets" USING btree ("day");--> statement-breakpoint
-- The daily rollups gain the 'source' and 'lang' dimensions: every day already rolled up is
-- rebuilt by the rollup job (trends read those days from items until then).
INSERT INTO "rollup_dirty_days" ("day") SELECT DISTINCT "day" FROM "daily_rollups" ON CONFLICT DO NOTHING;
