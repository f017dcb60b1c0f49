-- AlterTable
ALTER TABLE "enrichment_job_counters" ADD COLUMN     "cancelled" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "cancelled_tasks" INTEGER NOT NULL DEFAULT 0;

-- Jobs cancelled before this migration: their cells a cancel ended, counted once (into shard 0
-- of their counters, which the live counts sum, and onto the job row).
WITH c AS (
  SELECT job_id, count(*)::int AS n FROM "cell_enrichment_tasks"
   WHERE status = 'failed' AND error = 'cancelled' GROUP BY job_id
), counters AS (
  UPDATE "enrichment_job_counters" k SET "cancelled" = c.n FROM c WHERE k.job_id = c.job_id AND k.shard = 0
)
UPDATE "enrichment_jobs" j SET "cancelled_tasks" = c.n FROM c WHERE j.id = c.job_id;
