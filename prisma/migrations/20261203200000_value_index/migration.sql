-- The value index: each row's values, case folded, in a GIN index (jsonb_path_ops), so a
-- view's `eq` filter on a text value (lib/views/compile-filter.ts) reads only the rows whose
-- value is the one asked for instead of every row of the table: at 1,000,000 rows a filter
-- company = "Company 12" read the whole table (~550-700 ms on two cores, in parallel) and now
-- reads the 1,003 rows it finds. glaze_folded_data is the row's JSON text folded as glaze_fold
-- folds (column keys are lower case already) and read back as JSON: only C functions, no
-- per-value loop, so writing a row costs ~14 us more (a row's values as separate "key=value"
-- entries cost ~27 us; bench/README.md, "2026-12-03, fifth session"). Folding the JSON text
-- leaves escapes valid (Postgres writes them in lower case), so the cast cannot fail. The
-- index finds candidates; the filter's own comparison decides. It calls only pg_catalog
-- functions, as an index expression must (index builds run with search_path = pg_catalog),
-- and is inlined, so the filter's expression and the index's are the same. Building the index
-- holds writes to `rows` (~15 s per million rows); docs/deployment.md says how to build it
-- beforehand without.
DO $do$
DECLARE
  folded TEXT := CASE WHEN getdatabaseencoding() = 'UTF8'
    AND EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'pg_c_utf8') THEN ' COLLATE "pg_c_utf8"' ELSE '' END;
BEGIN
  EXECUTE format($f$CREATE OR REPLACE FUNCTION "glaze_folded_data"(data JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT lower(data::text%s)::jsonb'$f$, folded);
END
$do$;

-- IF NOT EXISTS: a large database may have built it beforehand, CONCURRENTLY (docs/deployment.md).
CREATE INDEX IF NOT EXISTS "rows_values_idx" ON "rows" USING gin ("glaze_folded_data"("data") jsonb_path_ops);
