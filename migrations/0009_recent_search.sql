CREATE TABLE "recent_search" (
	"item_id" bigint PRIMARY KEY NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"search" "tsvector" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_window" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"moved_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recent_search" ADD CONSTRAINT "recent_search_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recent_search_search_idx" ON "recent_search" USING gin ("search") WITH (gin_pending_list_limit=256);--> statement-breakpoint
CREATE INDEX "recent_search_published_idx" ON "recent_search" USING btree ("published_at","item_id");--> statement-breakpoint
-- New items published inside the window get their search vector copied (one statement per insert).
-- With no window yet (no search_window row), nothing is copied and searches use items' own index.
CREATE FUNCTION recent_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO recent_search (item_id, published_at, search)
  SELECT n.id, n.published_at, n.search FROM new_items n
  WHERE n.published_at >= (SELECT since FROM search_window WHERE id = 1)
  ON CONFLICT (item_id) DO UPDATE SET published_at = excluded.published_at, search = excluded.search;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER items_recent_search_insert AFTER INSERT ON items
  REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION recent_search_insert();
--> statement-breakpoint
-- An item whose text or date changes: its copy follows it, into the window or out of it.
CREATE FUNCTION recent_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.published_at >= (SELECT since FROM search_window WHERE id = 1) THEN
    INSERT INTO recent_search (item_id, published_at, search) VALUES (NEW.id, NEW.published_at, NEW.search)
    ON CONFLICT (item_id) DO UPDATE SET published_at = excluded.published_at, search = excluded.search;
  ELSE
    DELETE FROM recent_search WHERE item_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER items_recent_search_update AFTER UPDATE OF published_at, title, summary, content ON items
  FOR EACH ROW EXECUTE FUNCTION recent_search_update();
