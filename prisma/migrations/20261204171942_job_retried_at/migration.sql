-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "retried_at" TIMESTAMPTZ(3);
