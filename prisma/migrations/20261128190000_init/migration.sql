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
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "enrichment_jobs_pkey" PRIMARY KEY ("id")
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
ALTER TABLE "cell_enrichment_tasks" ADD CONSTRAINT "cell_enrichment_tasks_table_id_fkey" FOREIGN KEY ("table_id") REFERENCES "tables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

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
