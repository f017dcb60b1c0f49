import "../support/no-orchestrator";
import { beforeAll, expect, test } from "vitest";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { demoConfidence } from "@/lib/enrichment/providers/demo-values";
import { runCellTask } from "@/lib/enrichment/run-cell";
import type { FilterNode } from "@/lib/views/filter-schema";
import { api } from "../support/api";
import { makeTable, taskIdsOf } from "../support/fixtures";

// Views over enrichment state: a cell's status (its latest task's, idle when never enriched),
// a row's status, and confidence (a cell's, or the row's mean).

let t: Awaited<ReturnType<typeof makeTable>>;
/** Row index (0..4) by id. */
const indexOf = new Map<string, number>();

beforeAll(async () => {
  // Rows 0–1: email done, fail_phone failed (ambiguous); row 2: email done (done); row 3: email
  // queued (queued); row 4: never enriched (idle).
  t = await makeTable({ keys: ["name", "email", "fail_phone"], rows: 5 });
  t.rowIds.forEach((id, i) => {
    indexOf.set(id, i);
  });
  const [r0, r1, r2, r3] = t.rowIds;
  const done = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email], rowIds: [r0, r1, r2] },
  });
  const failed = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.fail_phone], rowIds: [r0, r1] },
  });
  for (const taskId of [...(await taskIdsOf(done.jobId)), ...(await taskIdsOf(failed.jobId))]) {
    await runCellTask(taskId, 1);
  }
  await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email], rowIds: [r3] },
  });
  // Row 2's fail_phone: a job cancelled before it ran (failed "cancelled", not a failure).
  const cancelled = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.fail_phone], rowIds: [r2] },
  });
  expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${cancelled.jobId}/cancel`)).status).toBe(200);
});

async function where(filter: FilterNode) {
  const res = await api.get(`/api/tables/${t.tableId}/rows?filter=${encodeURIComponent(JSON.stringify(filter))}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.map((row: { id: string }) => indexOf.get(row.id));
}

test.each<[string, FilterNode, number[]]>([
  ["cell status done", { column: "email", op: "cell_status_is", value: "done" }, [0, 1, 2]],
  ["cell status queued", { column: "email", op: "cell_status_is", value: "queued" }, [3]],
  ["cell status idle: never enriched", { column: "email", op: "cell_status_is", value: "idle" }, [4]],
  [
    "cell status failed: not the cancelled one",
    { column: "fail_phone", op: "cell_status_is", value: "failed" },
    [0, 1],
  ],
  ["cell status cancelled", { column: "fail_phone", op: "cell_status_is", value: "cancelled" }, [2]],
  ["cell status running: none", { column: "email", op: "cell_status_is", value: "running" }, []],
  ["row status ambiguous", { op: "row_status_is", value: "ambiguous" }, [0, 1]],
  ["row status done", { op: "row_status_is", value: "done" }, [2]],
  ["row status queued", { op: "row_status_is", value: "queued" }, [3]],
  ["row status idle", { op: "row_status_is", value: "idle" }, [4]],
  ["row status failed: none", { op: "row_status_is", value: "failed" }, []],
  [
    "cell status and row status together",
    {
      and: [
        { column: "email", op: "cell_status_is", value: "done" },
        { op: "row_status_is", value: "done" },
      ],
    },
    [2],
  ],
])("%s", async (_title, filter, expected) => {
  expect(await where(filter)).toEqual(expected);
});

test("confidence below: a cell's, or the row's; rows without one never match", async () => {
  const confidences = t.rowIds.slice(0, 3).map((id) => demoConfidence(id, "email"));
  const threshold = [...confidences].sort((a, b) => a - b)[1]; // the middle one
  const below = [0, 1, 2].filter((i) => confidences[i] < threshold);
  expect(await where({ column: "email", op: "confidence_below", value: threshold })).toEqual(below);
  // A row's confidence is the mean of its done cells: here, its email's.
  expect(await where({ op: "confidence_below", value: threshold })).toEqual(below);
  expect(await where({ op: "confidence_below", value: 1 })).toEqual([0, 1, 2]);
  expect(await where({ column: "fail_phone", op: "confidence_below", value: 1 })).toEqual([]);
  expect(await where({ op: "confidence_below", value: 0 })).toEqual([]);
});
