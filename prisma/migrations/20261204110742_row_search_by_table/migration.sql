-- The trigram index of row_search holds each entry's table too, so a search reads only the
-- matches of its own table. With the text alone, the index returned the matching entries of
-- every table and each was read from the heap before its table_id was compared: searching
-- 'london' in a table of 1,000,000 rows read 250,000 entries more for each other table of
-- that size holding the word (bench/README.md, "2026-12-04, fourth").
--
-- btree_gin gives GIN its operator class for uuid. Like pg_trgm it is a contrib extension that
-- managed Postgres services offer, trusted since Postgres 13 (a database owner may create it).
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Writes to rows wait while the index is built (~30 s for 2,000,000 rows on two cores): the
-- triggers on rows write row_search.

-- DropIndex
DROP INDEX "row_search_text_trgm_idx";

-- CreateIndex
CREATE INDEX "row_search_table_text_idx" ON "row_search" USING GIN ("table_id" uuid_ops, "text" gin_trgm_ops);
