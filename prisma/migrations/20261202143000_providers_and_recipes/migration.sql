-- AlterEnum
ALTER TYPE "TaskStatus" ADD VALUE 'skipped';

-- AlterTable
ALTER TABLE "columns" ADD COLUMN     "recipe" JSONB;

-- AlterTable
ALTER TABLE "enrichment_job_counters" ADD COLUMN     "skipped" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "skipped_tasks" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "provider_calls" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "task_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "value" JSONB,
    "confidence" DOUBLE PRECISION,
    "raw_confidence" JSONB,
    "cost" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "credits" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latency_ms" INTEGER NOT NULL DEFAULT 0,
    "http_status" INTEGER,
    "error" TEXT,
    "source" TEXT,
    "evidence" JSONB,
    "payload" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_provider_blocks" (
    "job_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_provider_blocks_pkey" PRIMARY KEY ("job_id","provider")
);

-- CreateTable
CREATE TABLE "provider_credentials" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workspace_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT 'default',
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "auth_tag" BYTEA NOT NULL,
    "key_id" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_alerts" (
    "workspace_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "job_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_alerts_pkey" PRIMARY KEY ("workspace_id","provider")
);

-- CreateIndex
CREATE UNIQUE INDEX "provider_calls_task_id_provider_attempt_key" ON "provider_calls"("task_id", "provider", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "provider_credentials_workspace_id_provider_name_key" ON "provider_credentials"("workspace_id", "provider", "name");

-- AddForeignKey
ALTER TABLE "provider_calls" ADD CONSTRAINT "provider_calls_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "cell_enrichment_tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_provider_blocks" ADD CONSTRAINT "job_provider_blocks_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "enrichment_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_credentials" ADD CONSTRAINT "provider_credentials_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_alerts" ADD CONSTRAINT "provider_alerts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row status with skipped cells (a cell whose required inputs were empty): skipped cells count
-- like done ones for the row's status (a row of only done and skipped cells is done), but not
-- for its confidence (the mean over done cells). Failed and skipped cells without any done
-- cell leave the row failed.
CREATE OR REPLACE FUNCTION "glaze_derive_row_status"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n_running INT; n_queued INT; n_done INT; n_failed INT; n_skipped INT; mean_conf DOUBLE PRECISION;
BEGIN
  SELECT count(*) FILTER (WHERE v ->> 's' = 'running'),
         count(*) FILTER (WHERE v ->> 's' = 'queued'),
         count(*) FILTER (WHERE v ->> 's' = 'done'),
         count(*) FILTER (WHERE v ->> 's' = 'failed'),
         count(*) FILTER (WHERE v ->> 's' = 'skipped'),
         avg((v ->> 'c')::double precision) FILTER (WHERE v ->> 's' = 'done')
    INTO n_running, n_queued, n_done, n_failed, n_skipped, mean_conf
    FROM jsonb_each(NEW."cell_states") AS e(k, v);
  NEW."status" := CASE
    WHEN n_running > 0 THEN 'running'
    WHEN n_queued > 0 THEN 'queued'
    WHEN n_done + n_skipped > 0 AND n_failed = 0 THEN 'done'
    WHEN n_failed > 0 AND n_done = 0 THEN 'failed'
    WHEN n_done > 0 AND n_failed > 0 THEN 'ambiguous'
    ELSE 'idle'
  END::"RowStatus";
  NEW."confidence" := mean_conf;
  NEW."error" := CASE WHEN n_failed > 0 AND n_running = 0 AND n_queued = 0
    THEN n_failed || ' of ' || (n_done + n_failed + n_skipped) || ' cells failed' END;
  RETURN NEW;
END;
$$;
