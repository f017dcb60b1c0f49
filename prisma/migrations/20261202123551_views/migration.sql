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

-- ISO 8601 dates and times: 2024-05-01, 2024-05-01T10:30, 2024-05-01 10:30:15.123, with Z or
-- ±hh:mm (UTC when absent). lib/views/values.ts DATE_PATTERN is the same pattern. The nested
-- CASE makes sure make_date only ever sees a valid month.
CREATE FUNCTION "glaze_parse_timestamp"(t TEXT) RETURNS TIMESTAMPTZ LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$ SELECT CASE
    WHEN m IS NULL OR m[1]::int < 1 OR m[2]::int NOT BETWEEN 1 AND 12 THEN NULL
    WHEN m[3]::int NOT BETWEEN 1 AND extract(day FROM make_date(m[1]::int, m[2]::int, 1) + interval '1 month - 1 day')
      OR coalesce(m[4]::int, 0) > 23 OR coalesce(m[5]::int, 0) > 59 OR coalesce(m[6]::int, 0) > 59
      OR coalesce(m[9]::int, 0) > 23 OR coalesce(m[10]::int, 0) > 59 THEN NULL
    ELSE (make_timestamp(m[1]::int, m[2]::int, m[3]::int, coalesce(m[4]::int, 0), coalesce(m[5]::int, 0),
            coalesce(m[6]::int, 0) + coalesce(('0' || m[7])::double precision, 0))
          - CASE WHEN m[8] = '-' THEN -1 ELSE 1 END
            * make_interval(hours => coalesce(m[9]::int, 0), mins => coalesce(m[10]::int, 0))
         ) AT TIME ZONE 'UTC'
  END
  FROM regexp_match(t, '^ *([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]{1,6})?)?)?(?:Z|([-+])([0-9]{2}):?([0-9]{2}))? *$') AS m $f$;

CREATE FUNCTION "glaze_to_timestamp"(v JSONB) RETURNS TIMESTAMPTZ LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$ SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN glaze_parse_timestamp(v #>> '{}') END $f$;

-- A JSON boolean, or the string true/false in any case.
CREATE FUNCTION "glaze_to_boolean"(v JSONB) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$ SELECT CASE jsonb_typeof(v)
    WHEN 'boolean' THEN v::boolean
    WHEN 'string' THEN CASE lower(v #>> '{}') WHEN 'true' THEN true WHEN 'false' THEN false END
  END $f$;

-- Search and contains/starts-with/equals on text: a trigram index over each row's values
-- (bench/README.md, "Views", has the plans with and without it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "rows_search_trgm_idx" ON "rows" USING gin (glaze_search_text("data") gin_trgm_ops);
