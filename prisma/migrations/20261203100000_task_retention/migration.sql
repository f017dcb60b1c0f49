-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "compacted_at" TIMESTAMPTZ(3);
