-- AlterTable
ALTER TABLE "enrichment_job_counters" ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "error_code" TEXT,
ADD COLUMN     "redrive_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "redriven_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "enrichment_jobs_status_idx" ON "enrichment_jobs"("status");

-- Jobs recorded before this column existed carried the reason only in their message.
UPDATE "enrichment_jobs" SET "error_code" = 'dispatch_failed' WHERE "error" LIKE 'Could not start%';
UPDATE "enrichment_jobs" SET "error_code" = 'fan_out_failed' WHERE "error" LIKE 'Could not fan out%';
