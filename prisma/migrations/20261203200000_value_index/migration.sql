-- The value index: each row's values as "key=folded value" entries in a GIN index, so a view's
-- `eq` filter on a text value (case folded, lib/views/compile-filter.ts) reads only the rows
-- whose value is the one asked for instead of every row of the table: at 1,000,000 rows a
-- filter company = "Company 12" read the whole table (~550 ms on two cores, parallel) and now
-- reads the 1,003 rows it finds (~35 ms). A value is indexed by its first 200 folded characters
-- (GIN entries are limited to ~2.7 kB), so the filter's own comparison still decides; empty
-- and null values, which `eq` never matches, are left out. One entry per value: writing a row
-- costs ~10 us more to compute its entries (bench/README.md, "2026-12-03, fifth session"),
-- where the optional trigram index of the views migration extracts every trigram of the row.
-- It calls only pg_catalog functions, as an index expression must (index builds run with
-- search_path = pg_catalog), and folds exactly as glaze_fold does.
DO $do$
DECLARE
  folded TEXT := CASE WHEN getdatabaseencoding() = 'UTF8'
    AND EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'pg_c_utf8') THEN ' COLLATE "pg_c_utf8"' ELSE '' END;
BEGIN
  EXECUTE format($f$CREATE FUNCTION "glaze_value_keys"(data JSONB) RETURNS TEXT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT CASE WHEN jsonb_typeof(data) = ''object''
         THEN ARRAY(SELECT e.key || ''='' || left(lower(e.value%s), 200) FROM jsonb_each_text(data) e WHERE e.value <> '''')
         ELSE ''{}''::text[] END'$f$, folded);
END
$do$;

CREATE INDEX "rows_values_idx" ON "rows" USING gin ("glaze_value_keys"("data"));
