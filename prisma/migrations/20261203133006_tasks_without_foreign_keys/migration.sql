-- Tasks lose their foreign keys to rows, columns and jobs, and tasks and rows get time-ordered
-- ids. Measured on a job of 1,000,000 cells (100,000 rows x 10 columns; bench/README.md,
-- "2026-12-03, third session"): the three checks per task took 15.3 s of the tasks' 38.2 s
-- INSERT, and a random v4 id touched a random page of the primary key per task (after a
-- checkpoint, each such page also writes a full-page image to the WAL).
--
-- What the foreign keys did is kept:
-- * their ON DELETE CASCADE: the statement triggers at the end delete the tasks of deleted rows,
--   columns and jobs, once per statement, whatever deleted them (an API call, a table's or a
--   workspace's cascade);
-- * their guard on inserts: tasks are only inserted by job creation (lib/enrichment/create-job.ts),
--   from rows and columns read in the same transaction after it took the table's share lock, which
--   row, column and table deletes wait for; so no task can point at a row or column that is gone.

-- DropForeignKey
ALTER TABLE "cell_enrichment_tasks" DROP CONSTRAINT "cell_enrichment_tasks_column_id_fkey";

-- DropForeignKey
ALTER TABLE "cell_enrichment_tasks" DROP CONSTRAINT "cell_enrichment_tasks_job_id_fkey";

-- DropForeignKey
ALTER TABLE "cell_enrichment_tasks" DROP CONSTRAINT "cell_enrichment_tasks_row_id_fkey";

-- AlterTable
ALTER TABLE "cell_enrichment_tasks" ALTER COLUMN "id" SET DEFAULT uuidv7();

-- AlterTable
ALTER TABLE "rows" ALTER COLUMN "id" SET DEFAULT uuidv7();

-- The cascades, per statement: the deleted rows', columns' or jobs' tasks go too (and with them
-- their provider calls, whose foreign key to the task still cascades).
CREATE FUNCTION glaze_delete_tasks_of_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'rows' THEN
    DELETE FROM cell_enrichment_tasks t USING gone WHERE t.row_id = gone.id;
  ELSIF TG_TABLE_NAME = 'columns' THEN
    DELETE FROM cell_enrichment_tasks t USING gone WHERE t.column_id = gone.id;
  ELSE
    DELETE FROM cell_enrichment_tasks t USING gone WHERE t.job_id = gone.id;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER rows_delete_tasks AFTER DELETE ON rows
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION glaze_delete_tasks_of_gone();
CREATE TRIGGER columns_delete_tasks AFTER DELETE ON columns
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION glaze_delete_tasks_of_gone();
CREATE TRIGGER enrichment_jobs_delete_tasks AFTER DELETE ON enrichment_jobs
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION glaze_delete_tasks_of_gone();
