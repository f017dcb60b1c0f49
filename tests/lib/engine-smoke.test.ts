import { expect, test } from "vitest";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { jobOf, makeTable, pool, rowsOf, taskIdsOf } from "../support/fixtures";

test("smoke", async () => {
  const t = await makeTable({ keys: ["name", "email", "company", "flaky_score", "fail_phone"], rows: 10 });
  const job = await createEnrichmentJob({ tableId: t.tableId, selection: { mode: "grid", columnIds: [t.columns.email, t.columns.company, t.columns.flaky_score, t.columns.fail_phone], rowIds: "all" } });
  expect(job.totalTasks).toBe(40);
  const ids = await taskIdsOf(job.jobId);
  const out = await pool(ids, 16, async (id) => {
    for (let attempt = 1; ; attempt++) {
      try { return await runCellTask(id, attempt); } catch (e) { if (attempt >= 3) throw e; }
    }
  });
  console.log(out.slice(0, 5));
  console.log(await jobOf(job.jobId));
  const rows = await rowsOf(t.tableId);
  console.log(rows[0]);
  const job2 = await createEnrichmentJob({ tableId: t.tableId, selection: { mode: "grid", columnIds: [t.columns.email, t.columns.flaky_score], rowIds: "all" } });
  const b = await runCellBatch(await taskIdsOf(job2.jobId));
  console.log(b.filter(x => x.status === "retry").length, await jobOf(job2.jobId));
});
