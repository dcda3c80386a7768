CREATE TABLE "annotations" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" bigint NOT NULL,
	"coder" text NOT NULL,
	"stance" "stance" NOT NULL,
	"relevant" boolean NOT NULL,
	"concerns" text[] DEFAULT '{}'::text[] NOT NULL,
	"sample_id" integer,
	"duration_ms" integer,
	"saw_model" boolean DEFAULT false NOT NULL,
	"coded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "annotations_item_coder" UNIQUE("item_id","coder")
);
--> statement-breakpoint
CREATE TABLE "item_corrections" (
	"item_id" bigint PRIMARY KEY NOT NULL,
	"relevant" boolean NOT NULL,
	"stance" "stance" NOT NULL,
	"concerns" text[] DEFAULT '{}'::text[] NOT NULL,
	"coders" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_labels" (
	"item_id" bigint NOT NULL,
	"model" text NOT NULL,
	"relevant" boolean,
	"stance" "stance",
	"confidence" real,
	"concerns" text[] DEFAULT '{}'::text[] NOT NULL,
	"explanation" jsonb,
	"language" text,
	"quotes" jsonb,
	"classified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_labels_item_id_model_pk" PRIMARY KEY("item_id","model")
);
--> statement-breakpoint
CREATE TABLE "validation_sample_items" (
	"sample_id" integer NOT NULL,
	"item_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"stratum" text NOT NULL,
	"weight" real NOT NULL,
	CONSTRAINT "validation_sample_items_sample_id_item_id_pk" PRIMARY KEY("sample_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "validation_samples" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"seed" integer NOT NULL,
	"requested" integer NOT NULL,
	"from_day" date,
	"to_day" date,
	"stratify" text,
	"model" text NOT NULL,
	"population" integer NOT NULL,
	"strata" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_sample_id_validation_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."validation_samples"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_corrections" ADD CONSTRAINT "item_corrections_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_labels" ADD CONSTRAINT "item_labels_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_sample_items" ADD CONSTRAINT "validation_sample_items_sample_id_validation_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."validation_samples"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_sample_items" ADD CONSTRAINT "validation_sample_items_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "annotations_sample_idx" ON "annotations" USING btree ("sample_id");--> statement-breakpoint
CREATE INDEX "item_labels_model_idx" ON "item_labels" USING btree ("model","item_id");--> statement-breakpoint
CREATE INDEX "validation_sample_items_item_idx" ON "validation_sample_items" USING btree ("item_id");--> statement-breakpoint
-- Labels made before this migration become their model version's first rows, so a reclassify
-- after upgrading keeps the numbers of the version that made them (model=VERSION).
INSERT INTO "item_labels" ("item_id", "model", "relevant", "stance", "confidence", "concerns", "explanation", "language", "quotes", "classified_at")
SELECT "id", "model", "relevant", "stance", "confidence", "concerns", "explanation", "language", "quotes", "classified_at"
FROM "items" WHERE "model" IS NOT NULL AND "classified_at" IS NOT NULL
ON CONFLICT DO NOTHING;
