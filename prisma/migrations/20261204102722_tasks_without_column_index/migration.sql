-- Tasks lose their index on column_id alone. Every new task paid for it: ~1.3 s of creating a
-- job of 1,000,000 cells (bench/README.md, "2026-12-04, third"), while only a
-- column's delete looked tasks up by column. That delete now finds them within the column's
-- table, through (table_id, change_xid): the cost of the table's tasks, not the database's.

-- DropIndex
DROP INDEX "cell_enrichment_tasks_column_id_idx";

-- The cascades of 20261203133006_tasks_without_foreign_keys: a deleted column's tasks are now
-- looked up table by table (a table's id as a parameter, so that the (table_id, change_xid)
-- index is used: joined to the transition table, the planner read every task of the database).
CREATE OR REPLACE FUNCTION glaze_delete_tasks_of_gone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  of_table UUID;
  column_ids UUID[];
BEGIN
  IF TG_TABLE_NAME = 'rows' THEN
    DELETE FROM cell_enrichment_tasks t USING gone WHERE t.row_id = gone.id;
  ELSIF TG_TABLE_NAME = 'columns' THEN
    FOR of_table, column_ids IN SELECT table_id, array_agg(id) FROM gone GROUP BY table_id LOOP
      DELETE FROM cell_enrichment_tasks t WHERE t.table_id = of_table AND t.column_id = ANY(column_ids);
    END LOOP;
  ELSE
    DELETE FROM cell_enrichment_tasks t USING gone WHERE t.job_id = gone.id;
  END IF;
  RETURN NULL;
END;
$$;
