-- CreateEnum
CREATE TYPE "ColumnDataType" AS ENUM ('text', 'number', 'url', 'email', 'boolean', 'date');

-- CreateEnum
CREATE TYPE "RowStatus" AS ENUM ('idle', 'queued', 'running', 'done', 'failed', 'ambiguous');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('queued', 'running', 'done', 'failed');

-- CreateTable
CREATE TABLE "tables" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tables_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "columns" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "table_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "data_type" "ColumnDataType" NOT NULL DEFAULT 'text',
    "order" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "columns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rows" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "table_id" UUID NOT NULL,
    "position" BIGSERIAL NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "cell_states" JSONB NOT NULL DEFAULT '{}',
    "status" "RowStatus" NOT NULL DEFAULT 'idle',
    "confidence" DOUBLE PRECISION,
    "error" TEXT,
    "last_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrichment_jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "table_id" UUID NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'pending',
    "total_tasks" INTEGER NOT NULL DEFAULT 0,
    "done_tasks" INTEGER NOT NULL DEFAULT 0,
    "failed_tasks" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "enrichment_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrichment_job_counters" (
    "job_id" UUID NOT NULL,
    "shard" SMALLINT NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "enrichment_job_counters_pkey" PRIMARY KEY ("job_id","shard")
);

-- CreateTable
CREATE TABLE "cell_enrichment_tasks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "table_id" UUID NOT NULL,
    "row_id" UUID NOT NULL,
    "column_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'queued',
    "result" JSONB,
    "confidence" DOUBLE PRECISION,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "change_xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "cell_enrichment_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tables_created_at_idx" ON "tables"("created_at");

-- CreateIndex
CREATE INDEX "columns_table_id_order_idx" ON "columns"("table_id", "order");

-- CreateIndex
CREATE UNIQUE INDEX "columns_table_id_key_key" ON "columns"("table_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "rows_table_id_position_key" ON "rows"("table_id", "position");

-- CreateIndex
CREATE INDEX "enrichment_jobs_table_id_created_at_idx" ON "enrichment_jobs"("table_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "enrichment_jobs_table_id_status_idx" ON "enrichment_jobs"("table_id", "status");

-- CreateIndex
CREATE INDEX "cell_enrichment_tasks_job_id_status_idx" ON "cell_enrichment_tasks"("job_id", "status");

-- CreateIndex
CREATE INDEX "cell_enrichment_tasks_row_id_column_id_created_at_idx" ON "cell_enrichment_tasks"("row_id", "column_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "cell_enrichment_tasks_column_id_idx" ON "cell_enrichment_tasks"("column_id");

-- CreateIndex
CREATE INDEX "cell_enrichment_tasks_table_id_change_xid_idx" ON "cell_enrichment_tasks"("table_id", "change_xid");

-- CreateIndex
CREATE UNIQUE INDEX "cell_enrichment_tasks_job_id_ordinal_key" ON "cell_enrichment_tasks"("job_id", "ordinal");

-- AddForeignKey
ALTER TABLE "columns" ADD CONSTRAINT "columns_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rows" ADD CONSTRAINT "rows_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrichment_jobs" ADD CONSTRAINT "enrichment_jobs_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrichment_job_counters" ADD CONSTRAINT "enrichment_job_counters_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "enrichment_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- AddForeignKey
ALTER TABLE "cell_enrichment_tasks" ADD CONSTRAINT "cell_enrichment_tasks_row_id_fkey" FOREIGN KEY ("row_id") REFERENCES "rows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cell_enrichment_tasks" ADD CONSTRAINT "cell_enrichment_tasks_column_id_fkey" FOREIGN KEY ("column_id") REFERENCES "columns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cell_enrichment_tasks" ADD CONSTRAINT "cell_enrichment_tasks_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "enrichment_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every change to a task moves its change_xid forward, so GET /cells/status can return
-- what changed since a snapshot without missing transactions that commit late.
CREATE FUNCTION "cell_task_touch"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."change_xid" := (pg_current_xact_id())::text::bigint;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "cell_enrichment_tasks_touch" BEFORE UPDATE ON "cell_enrichment_tasks"
  FOR EACH ROW EXECUTE FUNCTION "cell_task_touch"();

-- Row status is a pure function of rows.cell_states (the latest task of each cell). Every
-- writer merges its cells into cell_states with one UPDATE of the row, and this trigger
-- derives status, confidence and error from the merged value. Because an UPDATE re-reads
-- the newest row version before applying its SET (READ COMMITTED), concurrent cells of one
-- row can never hide each other's state.
CREATE FUNCTION "glaze_merge_cell_states"(states JSONB, patch JSONB, only_latest BOOLEAN) RETURNS JSONB
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT states || COALESCE(
    (SELECT jsonb_object_agg(p.key, p.value)
       FROM jsonb_each(patch) AS p
      WHERE NOT only_latest OR states -> p.key ->> 't' = p.value ->> 't'),
    '{}'::jsonb)
$$;

CREATE FUNCTION "glaze_derive_row_status"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n_running INT; n_queued INT; n_done INT; n_failed INT; mean_conf DOUBLE PRECISION;
BEGIN
  SELECT count(*) FILTER (WHERE v ->> 's' = 'running'),
         count(*) FILTER (WHERE v ->> 's' = 'queued'),
         count(*) FILTER (WHERE v ->> 's' = 'done'),
         count(*) FILTER (WHERE v ->> 's' = 'failed'),
         avg((v ->> 'c')::double precision) FILTER (WHERE v ->> 's' = 'done')
    INTO n_running, n_queued, n_done, n_failed, mean_conf
    FROM jsonb_each(NEW."cell_states") AS e(k, v);
  NEW."status" := CASE
    WHEN n_running > 0 THEN 'running'
    WHEN n_queued > 0 THEN 'queued'
    WHEN n_done > 0 AND n_failed = 0 THEN 'done'
    WHEN n_failed > 0 AND n_done = 0 THEN 'failed'
    WHEN n_done > 0 AND n_failed > 0 THEN 'ambiguous'
    ELSE 'idle'
  END::"RowStatus";
  NEW."confidence" := mean_conf;
  NEW."error" := CASE WHEN n_failed > 0 AND n_running = 0 AND n_queued = 0
    THEN n_failed || ' of ' || (n_done + n_failed) || ' cells failed' END;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "rows_derive_status" BEFORE UPDATE OF "cell_states" ON "rows"
  FOR EACH ROW WHEN (OLD."cell_states" IS DISTINCT FROM NEW."cell_states")
  EXECUTE FUNCTION "glaze_derive_row_status"();

-- Merges enriched values into rows.data, but only for cells whose latest task is the one
-- that produced the value (a stale task finishing late never overwrites a newer one).
-- vals: [{ col: columnId, task: taskId, key: columnKey, value }]
CREATE FUNCTION "glaze_merge_values"(data JSONB, states JSONB, vals JSONB) RETURNS JSONB
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT data || COALESCE(
    (SELECT jsonb_object_agg(v ->> 'key', v -> 'value')
       FROM jsonb_array_elements(COALESCE(vals, '[]'::jsonb)) AS v
      WHERE states -> (v ->> 'col') ->> 't' = v ->> 'task'),
    '{}'::jsonb)
$$;
