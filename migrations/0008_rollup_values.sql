CREATE TABLE "rollup_values" (
	"dim" text NOT NULL,
	"value" text NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "rollup_values_dim_value_pk" PRIMARY KEY("dim","value")
);
--> statement-breakpoint
-- the totals of the rollups as they stand; the rollup job recounts them after each rebuild
INSERT INTO "rollup_values" ("dim", "value", "n")
SELECT "dim", "value", sum("n") FROM "daily_rollups" WHERE "dim" <> 'all' GROUP BY "dim", "value";
