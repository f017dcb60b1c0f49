-- Search through a trigram index, at no cost to the writes that change only cell states.
--
-- Search (`q`) compared glaze_search_text(data) of every row of the table: ~2 s at 1,000,000
-- rows. The views migration left a trigram index over rows optional because every row write
-- that is not a HOT update then re-extracts the row's trigrams, and most writes to rows are a
-- task changing its cell's state (queued, running, done), which the trigram index does not
-- need: job creation and enriched writes took twice as long with it.
--
-- row_search holds each row's glaze_search_text in a table of its own, keyed like the row by
-- (table_id, position) (a row's position never changes), written by statement triggers on rows
-- only when a row's data changes (inserted rows, edited or enriched values), with the trigram
-- index on it. Cell-state writes compare the old and new data and write nothing here. A search
-- alone reads only row_search for the positions of its window (lib/views/row-window.ts).
-- bench/README.md ("2026-12-04") has what it costs and saves.
--
-- pg_trgm is a contrib extension that managed Postgres services offer (a trusted extension
-- since Postgres 13: a database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Writes to rows wait while the table is filled and indexed (18 s for 1,000,000 rows),
-- so no write falls between the copy and the triggers.
LOCK TABLE "rows" IN SHARE ROW EXCLUSIVE MODE;

-- CreateTable
CREATE TABLE "row_search" (
    "table_id" UUID NOT NULL,
    "position" BIGINT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "row_search_pkey" PRIMARY KEY ("table_id","position")
);

INSERT INTO "row_search" ("table_id", "position", "text")
  SELECT "table_id", "position", glaze_search_text("data") FROM "rows";

-- CreateIndex
CREATE INDEX "row_search_text_trgm_idx" ON "row_search" USING GIN ("text" gin_trgm_ops);

-- One function for the three statement triggers; the transition tables are the ones
-- glaze_log_rows already reads, so capturing them costs nothing more.
CREATE FUNCTION "glaze_write_row_search"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "row_search" ("table_id", "position", "text")
      SELECT n."table_id", n."position", glaze_search_text(n."data") FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "row_search" ("table_id", "position", "text")
      SELECT n."table_id", n."position", glaze_search_text(n."data")
        FROM new_rows n JOIN old_rows o ON o."id" = n."id"
       WHERE n."data" IS DISTINCT FROM o."data"
    ON CONFLICT ("table_id", "position") DO UPDATE SET "text" = EXCLUDED."text";
  ELSE
    DELETE FROM "row_search" s USING old_rows o WHERE s."table_id" = o."table_id" AND s."position" = o."position";
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "rows_search_insert" AFTER INSERT ON "rows"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "glaze_write_row_search"();
CREATE TRIGGER "rows_search_update" AFTER UPDATE ON "rows"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "glaze_write_row_search"();
CREATE TRIGGER "rows_search_delete" AFTER DELETE ON "rows"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "glaze_write_row_search"();

CREATE FUNCTION "glaze_truncate_row_search"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "row_search";
  RETURN NULL;
END;
$$;
CREATE TRIGGER "rows_search_truncate" AFTER TRUNCATE ON "rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "glaze_truncate_row_search"();

-- The optional trigram index over rows that this replaces, where a deployment created it: it
-- would now only cost writes.
DROP INDEX IF EXISTS "rows_search_trgm_idx";
