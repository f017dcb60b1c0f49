-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "error_code" TEXT;

-- Jobs recorded before this column existed carried the reason only in their message.
UPDATE "enrichment_jobs" SET "error_code" = 'dispatch_failed' WHERE "error" LIKE 'Could not start%';
UPDATE "enrichment_jobs" SET "error_code" = 'fan_out_failed' WHERE "error" LIKE 'Could not fan out%';
