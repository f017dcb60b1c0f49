-- CreateTable
CREATE TABLE "table_views" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "table_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "filter" JSONB,
    "sort" JSONB NOT NULL DEFAULT '[]',
    "hidden_columns" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "column_widths" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "table_views_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "table_views_table_id_name_key" ON "table_views"("table_id", "name");

-- AddForeignKey
ALTER TABLE "table_views" ADD CONSTRAINT "table_views_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Views (lib/views/): typed reading of rows.data for filters and sorts, and search.
-- Every function is IMMUTABLE and never raises on a stored value: a value that does not
-- parse for its column's type is NULL, so it never matches a comparison and sorts last.

-- Case folding for contains/starts-with/search. The builtin C.UTF-8 collation (Postgres 17+)
-- folds every letter whatever the database's locale; older servers fold with the database's.
-- glaze_search_text: the values of a row as one folded text, its data's values as a JSON array
-- (keys left out, so searching "email" does not find every row that has one); search patterns
-- are JSON-escaped the same way (lib/views/like.ts). It calls only pg_catalog functions, as an
-- index expression must: index builds run with search_path = pg_catalog.
DO $do$
DECLARE
  folded TEXT := CASE WHEN getdatabaseencoding() = 'UTF8'
    AND EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'pg_c_utf8') THEN ' COLLATE "pg_c_utf8"' ELSE '' END;
BEGIN
  EXECUTE format($f$CREATE FUNCTION "glaze_fold"(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT lower(t%s)'$f$, folded);
  EXECUTE format($f$CREATE FUNCTION "glaze_search_text"(data JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT lower(jsonb_path_query_array(data, ''$.*'')::text%s)'$f$, folded);
END
$do$;

-- A JSON number, or a string written as a decimal number (spaces around it allowed).
-- lib/views/values.ts NUMBER_PATTERN is the same pattern.
CREATE FUNCTION "glaze_to_number"(v JSONB) RETURNS NUMERIC LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$ SELECT CASE jsonb_typeof(v)
    WHEN 'number' THEN v::numeric
    WHEN 'string' THEN CASE WHEN (v #>> '{}') ~ '^ *[-+]?([0-9]{1,100}(\.[0-9]{0,100})?|\.[0-9]{1,100})([eE][-+]?[0-9]{1,3})? *$'
      THEN (v #>> '{}')::numeric END
  END $f$;

-- ISO 8601 dates and times: 2024-05-01, 2024-05-01T10:30, 2024-05-01 10:30:15.123, the time
-- with Z or ±hh:mm (UTC when absent). lib/views/values.ts DATE_PATTERN is the same pattern.
-- One inlinable expression with one regular expression: a first version built the timestamp
-- from regexp_match groups and cost ~100 µs a row (bench/README.md, "Views"). The nested CASE
-- makes sure the day check and the cast only ever see text the pattern accepted; a time part
-- ends in an offset when its 5th or 6th character from the end is a sign (…+0530, …-08:00).
-- STABLE, not IMMUTABLE: the text → timestamptz cast is (it reads TimeZone), though with the
-- zone always written out its result never depends on it.
CREATE FUNCTION "glaze_parse_timestamp"(t TEXT) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE PARALLEL SAFE
  AS $f$ SELECT CASE WHEN t ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[-+]([01][0-9]|2[0-3]):?[0-5][0-9])?)?$'
    THEN CASE WHEN substr(t, 1, 4) <> '0000'
      AND substr(t, 9, 2)::int <= CASE substr(t, 6, 2)::int
        WHEN 2 THEN CASE WHEN substr(t, 1, 4)::int % 4 = 0
          AND (substr(t, 1, 4)::int % 100 <> 0 OR substr(t, 1, 4)::int % 400 = 0) THEN 29 ELSE 28 END
        WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END
      THEN (CASE WHEN length(t) > 10 AND (right(t, 1) = 'Z' OR substr(t, length(t) - 4, 1) IN ('+', '-')
                   OR substr(t, length(t) - 5, 1) IN ('+', '-'))
            THEN t ELSE t || 'Z' END)::timestamptz
    END
  END $f$;

CREATE FUNCTION "glaze_to_timestamp"(v JSONB) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE PARALLEL SAFE
  AS $f$ SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN glaze_parse_timestamp(v #>> '{}') END $f$;

-- A JSON boolean, or the string true/false in any case.
CREATE FUNCTION "glaze_to_boolean"(v JSONB) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$ SELECT CASE jsonb_typeof(v)
    WHEN 'boolean' THEN v::boolean
    WHEN 'string' THEN CASE lower(v #>> '{}') WHEN 'true' THEN true WHEN 'false' THEN false END
  END $f$;

-- No index here. A trigram index over glaze_search_text makes selective searches and text
-- filters read only the rows they find, but every row write that is not a HOT update then
-- extracts and inserts the row's trigrams: creating jobs and writing enriched values took
-- twice as long (bench/README.md, "Views"). A deployment that searches more than it enriches
-- can add it; the filter compiler uses it when it exists (lib/views/search-index.ts):
--   CREATE EXTENSION IF NOT EXISTS pg_trgm;
--   CREATE INDEX CONCURRENTLY rows_search_trgm_idx ON rows USING gin (glaze_search_text(data) gin_trgm_ops);
