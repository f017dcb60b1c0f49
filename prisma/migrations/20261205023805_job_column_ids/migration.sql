-- AlterTable
ALTER TABLE "enrichment_jobs" ADD COLUMN     "column_ids" UUID[] DEFAULT ARRAY[]::UUID[];

-- Jobs created before: the columns of the tasks they still have (compaction may have removed some).
UPDATE "enrichment_jobs" j SET "column_ids" = c.ids
  FROM (SELECT job_id, array_agg(DISTINCT column_id) AS ids FROM "cell_enrichment_tasks" GROUP BY job_id) c
 WHERE c.job_id = j.id;
