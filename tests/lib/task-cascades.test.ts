import "../support/no-orchestrator";
import { describe, expect, test } from "vitest";
import { deleteColumn } from "@/lib/columns/columns";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { deleteRows } from "@/lib/rows/rows";
import { deleteTable } from "@/lib/tables/tables";
import { createWorkspace, testAccount } from "../support/auth";
import { makeTable, pool, taskIdsOf } from "../support/fixtures";

// Tasks have no foreign keys to their rows, columns and jobs (migration
// 20261203133006_tasks_without_foreign_keys): statement triggers delete them instead, and job
// creation's share lock on the table keeps them from pointing at rows or columns being deleted.

async function tasksWhere(sql: string, ...params: unknown[]) {
  const [{ n }] = await getDb().$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM cell_enrichment_tasks t WHERE ${sql}`,
    ...params,
  );
  return n;
}

async function callsOf(taskIds: string[]) {
  return getDb().providerCall.count({ where: { taskId: { in: taskIds } } });
}

/** Tasks (anywhere) whose row, column or job does not exist. */
async function orphans() {
  return tasksWhere(`NOT EXISTS (SELECT 1 FROM rows r WHERE r.id = t.row_id)
     OR NOT EXISTS (SELECT 1 FROM columns c WHERE c.id = t.column_id)
     OR NOT EXISTS (SELECT 1 FROM enrichment_jobs j WHERE j.id = t.job_id)`);
}

/** A 4-row × 2-column table with one job whose cells all ran, each with a provider call. */
async function enrichedTable(workspaceId?: string) {
  const t = await makeTable({ keys: ["email", "company"], rows: 4, workspaceId });
  const job = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email, t.columns.company], rowIds: "all" },
  });
  const ids = await taskIdsOf(job.jobId);
  await runCellBatch(ids);
  // The demo provider records no calls; a recipe's provider would (as task-retention does).
  await getDb().$executeRaw`
    INSERT INTO provider_calls (task_id, provider, attempt, fingerprint, outcome, value, confidence, source)
    SELECT id, 'demo', 1, 'fp', 'found', '"x"'::jsonb, 0.9, 'demo' FROM unnest(${ids}::uuid[]) AS u(id)`;
  expect(await callsOf(ids)).toBe(8);
  return { ...t, jobId: job.jobId, taskIds: ids };
}

describe("tasks go with their rows, columns, jobs, tables and workspaces", () => {
  test("deleting rows deletes their tasks and calls, and only theirs", async () => {
    const t = await enrichedTable();
    await deleteRows({ tableId: t.tableId, input: { ids: t.rowIds.slice(0, 2) } });
    expect(await tasksWhere("t.row_id = ANY($1::uuid[])", t.rowIds.slice(0, 2))).toBe(0);
    expect(await tasksWhere("t.job_id = $1::uuid", t.jobId)).toBe(4);
    expect(await callsOf(t.taskIds)).toBe(4);
    expect(await orphans()).toBe(0);
  });

  test("deleting a column deletes its tasks and calls", async () => {
    const t = await enrichedTable();
    await deleteColumn({ tableId: t.tableId, columnId: t.columns.company });
    expect(await tasksWhere("t.column_id = $1::uuid", t.columns.company)).toBe(0);
    expect(await tasksWhere("t.job_id = $1::uuid", t.jobId)).toBe(4);
    expect(await callsOf(t.taskIds)).toBe(4);
    expect(await orphans()).toBe(0);
  });

  test("deleting a table, a job, or a workspace deletes their tasks and calls", async () => {
    const a = await enrichedTable();
    await deleteTable({ tableId: a.tableId });
    expect(await tasksWhere("t.table_id = $1::uuid", a.tableId)).toBe(0);
    expect(await callsOf(a.taskIds)).toBe(0);

    const b = await enrichedTable();
    await getDb().$executeRaw`DELETE FROM enrichment_jobs WHERE id = ${b.jobId}::uuid`;
    expect(await tasksWhere("t.job_id = $1::uuid", b.jobId)).toBe(0);
    expect(await callsOf(b.taskIds)).toBe(0);

    const workspaceId = await createWorkspace((await testAccount()).owner.userId, "Doomed workspace");
    const c = await enrichedTable(workspaceId);
    await getDb().$executeRaw`DELETE FROM organizations WHERE id = ${workspaceId}`;
    expect(await tasksWhere("t.table_id = $1::uuid", c.tableId)).toBe(0);
    expect(await callsOf(c.taskIds)).toBe(0);
    expect(await orphans()).toBe(0);
  });

  test("jobs created while rows and columns are deleted never leave a task without its row or column", async () => {
    const t = await makeTable({ keys: ["email", "company", "title"], rows: 60 });
    const columnIds = Object.values(t.columns);
    // Each round: a job over every row and column, racing a delete of two rows (and, once, a column).
    await pool(
      Array.from({ length: 12 }, (_, i) => i),
      4,
      async (i) => {
        const create = createEnrichmentJob({
          tableId: t.tableId,
          source: { mode: "grid", columnIds: i < 6 ? columnIds : columnIds.slice(0, 2), rowIds: "all" },
        }).catch((error: unknown) => error);
        const remove =
          i === 6
            ? deleteColumn({ tableId: t.tableId, columnId: t.columns.title })
            : deleteRows({ tableId: t.tableId, input: { ids: t.rowIds.slice(i * 2, i * 2 + 2) } });
        await Promise.all([create, remove]);
      },
    );
    expect(await tasksWhere("t.table_id = $1::uuid", t.tableId)).toBeGreaterThan(0);
    expect(await orphans()).toBe(0);
  });
});
