CREATE TABLE "watches" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"query" jsonb NOT NULL,
	"interval_minutes" integer DEFAULT 60 NOT NULL,
	"email" text,
	"webhook_url" text,
	"webhook_format" text DEFAULT 'generic' NOT NULL,
	"secret" text NOT NULL,
	"checked_through" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sent_at" timestamp with time zone,
	"last_error" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
