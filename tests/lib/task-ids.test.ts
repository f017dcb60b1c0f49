import "../support/no-orchestrator";
import { expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { makeTable } from "../support/fixtures";

// Job creation writes its tasks' ids itself (lib/enrichment/store/create-tasks.ts): one UUIDv7
// per statement, the task's ordinal in its last 48 bits. Every way of creating a job, several
// at once on the same rows, must still give each task a UUIDv7 of its own, in the job's order,
// and point every queued cell at one of its tasks.

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("jobs created at once, in every mode, give each task its own UUIDv7 in the job's order", async () => {
  const tables = await Promise.all([0, 1].map(() => makeTable({ keys: ["name", "a", "b"], rows: 60 })));
  const jobs = (
    await Promise.all(
      tables.flatMap((t) => {
        const columnIds = Object.values(t.columns);
        return [
          createEnrichmentJob({ tableId: t.tableId, source: { mode: "grid", columnIds, rowIds: "all" } }),
          createEnrichmentJob({
            tableId: t.tableId,
            source: { mode: "grid", columnIds: columnIds.slice(1), rowIds: t.rowIds.slice(0, 30) },
          }),
          createEnrichmentJob({
            tableId: t.tableId,
            source: { mode: "cells", cells: t.rowIds.slice(10, 40).map((rowId) => ({ rowId, columnId: t.columns.a })) },
          }),
          createEnrichmentJob({
            tableId: t.tableId,
            source: {
              mode: "filter",
              columnIds: [t.columns.b],
              rowFilter: { column: "name", op: "starts_with", value: "Person 1" },
            },
          }),
        ];
      }),
    )
  ).map((j) => j.jobId);
  // A retry of some failed cells of the first job: cells of its "name" column, which no other
  // job runs, so their failed tasks are still their latest (only those are retried).
  const failed = await getDb().$executeRaw`
    UPDATE cell_enrichment_tasks SET status = 'failed'
     WHERE job_id = ${jobs[0]}::uuid AND column_id = ${tables[0].columns.name}::uuid AND ordinal % 7 = 0`;
  expect(failed).toBeGreaterThan(0);
  jobs.push(
    (await createEnrichmentJob({ tableId: tables[0].tableId, source: { mode: "retry", jobId: jobs[0] } })).jobId,
  );

  const tasks = await getDb().$queryRaw<{ id: string; job_id: string; ordinal: number }[]>`
    SELECT id::text, job_id::text, ordinal FROM cell_enrichment_tasks
     WHERE job_id = ANY(${jobs}::uuid[]) ORDER BY job_id, ordinal`;
  expect(tasks.length).toBe(2 * (180 + 60 + 30 + 11) + failed);
  expect(tasks.filter((t) => !UUID_V7.test(t.id))).toEqual([]);
  expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
  for (const job of jobs) {
    const ids = tasks.filter((t) => t.job_id === job).map((t) => t.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...ids].sort());
  }

  // Each cell's state names a task of that cell, queued.
  const cells = await getDb().$queryRaw<{ status: string; ofTheCell: boolean }[]>`
    SELECT s.value ->> 's' AS status,
           EXISTS (SELECT 1 FROM cell_enrichment_tasks t WHERE t.id = (s.value ->> 't')::uuid
                      AND t.row_id = r.id AND t.column_id = s.key::uuid AND t.job_id = ANY(${jobs}::uuid[])) AS "ofTheCell"
      FROM rows r CROSS JOIN LATERAL jsonb_each(r.cell_states) s
     WHERE r.table_id = ANY(${tables.map((t) => t.tableId)}::uuid[])`;
  expect(cells.length).toBe(2 * 180);
  expect(cells.filter((c) => c.status !== "queued" || !c.ofTheCell)).toEqual([]);
});
