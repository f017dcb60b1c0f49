-- CreateTable
CREATE TABLE "table_changes" (
    "id" BIGSERIAL NOT NULL,
    "table_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "many" BOOLEAN NOT NULL DEFAULT false,
    "change_xid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "table_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "table_changes_table_id_change_xid_idx" ON "table_changes"("table_id", "change_xid");

-- CreateIndex
CREATE INDEX "table_changes_created_at_idx" ON "table_changes"("created_at");

-- Live updates (lib/realtime). Triggers send small hints on the channel "glaze_changes"
-- ("<table id>:c" cells, ":j" jobs, ":t" rows/columns/table); every app process LISTENs and
-- reads what changed through snapshot cursors: cells through cell_enrichment_tasks.change_xid,
-- rows/columns/table through table_changes.change_xid. A notification is only a hint, so one
-- that is lost, merged (Postgres sends identical ones once per transaction) or too small to
-- carry the ids loses nothing. Statement-level triggers: one hint per statement, whatever the
-- number of rows (100,000 new tasks are one notification).

CREATE FUNCTION "glaze_notify_cells"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE t UUID;
BEGIN
  FOR t IN SELECT DISTINCT table_id FROM changed LOOP
    PERFORM pg_notify('glaze_changes', t::text || ':c');
  END LOOP;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "cell_enrichment_tasks_notify_insert" AFTER INSERT ON "cell_enrichment_tasks"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "glaze_notify_cells"();
CREATE TRIGGER "cell_enrichment_tasks_notify_update" AFTER UPDATE ON "cell_enrichment_tasks"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "glaze_notify_cells"();

-- A job's progress comes with its cells' hints; its status and error have their own.
CREATE FUNCTION "glaze_notify_job"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('glaze_changes', NEW.table_id::text || ':j');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "enrichment_jobs_notify_insert" AFTER INSERT ON "enrichment_jobs"
  FOR EACH ROW EXECUTE FUNCTION "glaze_notify_job"();
CREATE TRIGGER "enrichment_jobs_notify_update" AFTER UPDATE OF "status", "error" ON "enrichment_jobs"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."error" IS DISTINCT FROM NEW."error")
  EXECUTE FUNCTION "glaze_notify_job"();

-- Records one table_changes entry per table of `changes` (rows of table_id, ids, n) and hints
-- it; more than 1,000 ids are recorded as "many".
CREATE FUNCTION "glaze_log_changes"(kind TEXT, op TEXT, changes JSONB) RETURNS void LANGUAGE plpgsql AS $$
DECLARE c RECORD;
BEGIN
  FOR c IN SELECT (e ->> 'table_id')::uuid AS table_id, (e ->> 'n')::int AS n,
                  ARRAY(SELECT jsonb_array_elements_text(e -> 'ids'))::uuid[] AS ids
             FROM jsonb_array_elements(COALESCE(changes, '[]'::jsonb)) AS e LOOP
    INSERT INTO "table_changes" ("table_id", "kind", "op", "ids", "many")
      VALUES (c.table_id, kind, op, CASE WHEN c.n > 1000 THEN ARRAY[]::uuid[] ELSE c.ids END, c.n > 1000);
    PERFORM pg_notify('glaze_changes', c.table_id::text || ':t');
  END LOOP;
END;
$$;

-- Rows: created and deleted rows, and values edited by people (data changed while
-- cell_states did not). Enrichment writes a value together with its cell's state, and those
-- changes travel through the cells' feed instead.
CREATE FUNCTION "glaze_log_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changes JSONB;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT n.table_id, (array_agg(n.id))[1:1001] AS ids, count(*) AS n
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.data IS DISTINCT FROM o.data AND n.cell_states IS NOT DISTINCT FROM o.cell_states
       GROUP BY n.table_id) x;
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

CREATE TRIGGER "rows_log_insert" AFTER INSERT ON "rows"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "glaze_log_rows"();
CREATE TRIGGER "rows_log_update" AFTER UPDATE ON "rows"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "glaze_log_rows"();
CREATE TRIGGER "rows_log_delete" AFTER DELETE ON "rows"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "glaze_log_rows"();

-- Columns: any change (created, renamed, retyped, moved, deleted).
CREATE FUNCTION "glaze_log_columns"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changes JSONB;
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT table_id, array_agg(id) AS ids, count(*) AS n FROM old_columns GROUP BY table_id) x;
  ELSE
    SELECT jsonb_agg(x) INTO changes FROM (
      SELECT table_id, array_agg(id) AS ids, count(*) AS n FROM new_columns GROUP BY table_id) x;
  END IF;
  PERFORM glaze_log_changes('columns', CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END, changes);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "columns_log_insert" AFTER INSERT ON "columns"
  REFERENCING NEW TABLE AS new_columns FOR EACH STATEMENT EXECUTE FUNCTION "glaze_log_columns"();
CREATE TRIGGER "columns_log_update" AFTER UPDATE ON "columns"
  REFERENCING NEW TABLE AS new_columns FOR EACH STATEMENT EXECUTE FUNCTION "glaze_log_columns"();
CREATE TRIGGER "columns_log_delete" AFTER DELETE ON "columns"
  REFERENCING OLD TABLE AS old_columns FOR EACH STATEMENT EXECUTE FUNCTION "glaze_log_columns"();

-- The table itself: renamed or described (not the updated_at that row writers bump), deleted.
CREATE FUNCTION "glaze_log_table"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM glaze_log_changes('table', CASE TG_OP WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
    jsonb_build_array(jsonb_build_object('table_id', OLD.id, 'ids', jsonb_build_array(OLD.id), 'n', 1)));
  RETURN NULL;
END;
$$;

CREATE TRIGGER "tables_log_update" AFTER UPDATE OF "name", "description" ON "tables"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."description" IS DISTINCT FROM NEW."description")
  EXECUTE FUNCTION "glaze_log_table"();
CREATE TRIGGER "tables_log_delete" AFTER DELETE ON "tables"
  FOR EACH ROW EXECUTE FUNCTION "glaze_log_table"();
