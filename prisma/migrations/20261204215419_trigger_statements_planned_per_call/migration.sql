-- Statements of statement-level triggers that join or filter by their transition tables run
-- as dynamic SQL (EXECUTE), planned for each call with the transition tables' real sizes.
-- PL/pgSQL keeps the plan of a static statement for the session, made for the first call's
-- sizes: a backend whose first update of `rows` touched one row kept a nested loop over
-- new_rows × old_rows, and a later update of 20,000 rows (a column deleted) took 87 s instead
-- of 1.2 s, holding the rows it had locked, and so the table's jobs, the whole time. (The
-- opposite also held: a plan made for a big delete kept scanning a whole table for one row.)

CREATE OR REPLACE FUNCTION glaze_log_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changes JSONB;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF current_setting('glaze.hints', true) = 'app' THEN
      RETURN NULL;
    END IF;
    EXECUTE $q$
      SELECT jsonb_agg(x) FROM (
        SELECT n.table_id, (array_agg(n.id))[1:1001] AS ids, count(*) AS n
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.data IS DISTINCT FROM o.data AND n.cell_states IS NOT DISTINCT FROM o.cell_states
         GROUP BY n.table_id) x$q$ INTO changes;
    PERFORM glaze_log_changes('rows', 'updated', changes);
  ELSIF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT table_id, (array_agg(id))[1:1001] AS ids, count(*) AS n FROM new_rows GROUP BY table_id) x;
    PERFORM glaze_log_changes('rows', 'created', changes);
  ELSE
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT table_id, (array_agg(id))[1:1001] AS ids, count(*) AS n FROM old_rows GROUP BY table_id) x;
    PERFORM glaze_log_changes('rows', 'deleted', changes);
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION glaze_write_row_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "row_search" ("table_id", "position", "text")
      SELECT n."table_id", n."position", glaze_search_text(n."data") FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE $q$
      INSERT INTO "row_search" ("table_id", "position", "text")
        SELECT n."table_id", n."position", glaze_search_text(n."data")
          FROM new_rows n JOIN old_rows o ON o."id" = n."id"
         WHERE n."data" IS DISTINCT FROM o."data"
      ON CONFLICT ("table_id", "position") DO UPDATE SET "text" = EXCLUDED."text"$q$;
  ELSE
    EXECUTE $q$
      DELETE FROM "row_search" s USING old_rows o WHERE s."table_id" = o."table_id" AND s."position" = o."position"$q$;
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION glaze_delete_tasks_of_gone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  of_table UUID;
  column_ids UUID[];
BEGIN
  IF TG_TABLE_NAME = 'rows' THEN
    EXECUTE 'DELETE FROM cell_enrichment_tasks t USING gone WHERE t.row_id = gone.id';
  ELSIF TG_TABLE_NAME = 'columns' THEN
    FOR of_table, column_ids IN SELECT table_id, array_agg(id) FROM gone GROUP BY table_id LOOP
      DELETE FROM cell_enrichment_tasks t WHERE t.table_id = of_table AND t.column_id = ANY(column_ids);
    END LOOP;
  ELSE
    EXECUTE 'DELETE FROM cell_enrichment_tasks t USING gone WHERE t.job_id = gone.id';
  END IF;
  RETURN NULL;
END;
$$;
