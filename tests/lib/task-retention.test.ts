import "../support/no-orchestrator";
import { describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { type CompactionCursor, compactTasks, compactTasksStep } from "@/lib/enrichment/compaction";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { compactTaskBatch } from "@/lib/enrichment/store";
import { api } from "../support/api";
import { jobOf, makeTable, rowsOf, taskIdsOf } from "../support/fixtures";

// Retention on a real Postgres: superseded tasks of jobs that ended before the retention period
// go; each cell's latest task and the done task its value came from stay, with their provider
// calls; running jobs are never touched.

const DAY = 86_400;
const RETENTION = 30 * DAY;

/** Creates a job over `rowIds` × `columnIds` and runs its cells (unless `run` is false). */
async function job(tableId: string, columnIds: string[], rowIds: string[], run = true) {
  // Tasks of later jobs must be created in a later millisecond than those they supersede.
  await new Promise((r) => setTimeout(r, 5));
  const created = await createEnrichmentJob({ tableId, source: { mode: "grid", columnIds, rowIds } });
  const ids = await taskIdsOf(created.jobId);
  if (run) await runCellBatch(ids);
  return { jobId: created.jobId, ids };
}

/** Makes the job look as if it had ended `days` days ago. */
async function age(jobId: string, days: number) {
  const interval = `${days} days`;
  await getDb().$executeRaw`
    UPDATE enrichment_jobs SET created_at = created_at - ${interval}::interval,
           started_at = started_at - ${interval}::interval, completed_at = completed_at - ${interval}::interval
     WHERE id = ${jobId}::uuid`;
}

async function taskIds() {
  return new Set((await getDb().cellEnrichmentTask.findMany({ select: { id: true } })).map((t) => t.id));
}

async function addCall(taskId: string, provider: string, value: string) {
  await getDb().$executeRaw`
    INSERT INTO provider_calls (task_id, provider, attempt, fingerprint, outcome, value, confidence, source)
    VALUES (${taskId}::uuid, ${provider}, 1, 'fp', 'found', to_jsonb(${value}::text), 0.9, ${provider})`;
}

describe("retention of enrichment tasks", { timeout: 120_000 }, () => {
  test("a pass deletes exactly the superseded tasks of jobs ended before the retention period; latest tasks, value sources and their calls stay; jobs still answer", async () => {
    const t = await makeTable({ keys: ["email", "fail_x", "company"], rows: 4 });
    const [r0, r1, r2, r3] = t.rowIds;
    const { email, fail_x: fail, company } = t.columns;
    const j1 = await job(t.tableId, [email], [r0, r1, r2, r3]);
    const j2 = await job(t.tableId, [email], [r0, r1]);
    const j3 = await job(t.tableId, [email], [r0]);
    const j4 = await job(t.tableId, [fail], [r0, r1]);
    const j5 = await job(t.tableId, [fail], [r0]);
    const j6 = await job(t.tableId, [company], [r0, r1]);
    // A later run of company that was cancelled before any cell ran: its failed tasks are the
    // cells' latest, but the values still come from j6.
    const j7 = await job(t.tableId, [company], [r0, r1], false);
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${j7.jobId}/cancel`)).status).toBe(200);
    for (const j of [j1, j4, j6, j7]) await age(j.jobId, 40);
    for (const j of [j2, j5]) await age(j.jobId, 35);
    // j3 ended today: within the retention period, it keeps everything and supersedes j2's r0.
    await addCall(j1.ids[0], "hunter.email-finder", "old@example.com");
    await addCall(j6.ids[0], "pdl.person", "Acme");
    const before = await taskIds();
    const rowsBefore = await rowsOf(t.tableId);
    const jobsBefore = await Promise.all([j1, j2, j3, j4, j5, j6, j7].map((j) => jobOf(j.jobId)));
    const historyBefore = (await api.get(`/api/tables/${t.tableId}/rows/${r0}/cells/${company}`)).body;

    const pass = await compactTasks({ retention: RETENTION });

    // j1's r0 and r1 (newer done tasks in j2, j3), j2's r0 (j3), j4's r0 (a newer task, j5).
    const deleted = [j1.ids[0], j1.ids[1], j2.ids[0], j4.ids[0]];
    expect(pass.deleted).toBe(4);
    expect(await taskIds()).toEqual(new Set([...before].filter((id) => !deleted.includes(id))));
    // The superseded task's call went with it; the value source's call stayed.
    const calls = await getDb().providerCall.findMany({ select: { taskId: true } });
    expect(calls.map((c) => c.taskId)).toEqual([j6.ids[0]]);
    // Cell states, values and row statuses are untouched.
    expect(await rowsOf(t.tableId)).toEqual(rowsBefore);
    // Every job still answers with the counts it had.
    expect(await Promise.all([j1, j2, j3, j4, j5, j6, j7].map((j) => jobOf(j.jobId)))).toEqual(jobsBefore);
    const got = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${j1.jobId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: "completed", totalTasks: 4, doneTasks: 4 });
    const listed = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${j1.jobId}/tasks`);
    expect(listed.body.data.map((x: { taskId: string }) => x.taskId)).toEqual([j1.ids[2], j1.ids[3]]);
    // "Why this value?" for a cell whose latest run was cancelled: the same answer as before.
    expect((await api.get(`/api/tables/${t.tableId}/rows/${r0}/cells/${company}`)).body).toEqual(historyBefore);
    expect(historyBefore.source).toMatchObject({ provider: "demo" });
    expect(historyBefore.history.map((h: { taskId: string }) => h.taskId)).toEqual([j7.ids[0], j6.ids[0]]);
    expect(historyBefore.history[1].calls.map((c: { value: unknown }) => c.value)).toEqual(["Acme"]);
    // The email cell of r0 now shows its latest run only; its value is unchanged.
    const emailHistory = (await api.get(`/api/tables/${t.tableId}/rows/${r0}/cells/${email}`)).body;
    expect(emailHistory.history.map((h: { taskId: string }) => h.taskId)).toEqual([j3.ids[0]]);
    expect(emailHistory.value).toBeTruthy();
    expect(emailHistory.value).toBe((rowsBefore[0].data as Record<string, unknown>).email);

    // Idempotent: a second pass finds nothing more to delete and changes nothing.
    const again = await compactTasks({ retention: RETENTION });
    expect(again.deleted).toBe(0);
    expect(await taskIds()).toEqual(new Set([...before].filter((id) => !deleted.includes(id))));
    expect(await rowsOf(t.tableId)).toEqual(rowsBefore);
  });

  test("jobs that ended within the retention period keep every task, superseded or not", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const a = await job(t.tableId, [t.columns.email], t.rowIds);
    await job(t.tableId, [t.columns.email], t.rowIds);
    await age(a.jobId, 29);
    const before = await taskIds();
    expect((await compactTasks({ retention: RETENTION })).deleted).toBe(0);
    expect(await taskIds()).toEqual(before);
    // Past the period, the same pass deletes a's three superseded tasks.
    await age(a.jobId, 2);
    expect((await compactTasks({ retention: RETENTION })).deleted).toBe(3);
    expect([...(await taskIds())].filter((id) => a.ids.includes(id))).toEqual([]);
  });

  test("each statement looks at no more than the batch size; a step stops at its budget and the cursor carries on", async () => {
    const t = await makeTable({ keys: ["email"], rows: 250 });
    const old = await job(t.tableId, [t.columns.email], t.rowIds);
    await job(t.tableId, [t.columns.email], t.rowIds);
    await age(old.jobId, 40);
    const batches = [];
    for (let after = 0; ; ) {
      const batch = await compactTaskBatch({ jobId: old.jobId, after, limit: 100 });
      batches.push([batch.examined, batch.deleted]);
      if (batch.lastOrdinal === null) break;
      after = batch.lastOrdinal;
    }
    expect(batches).toEqual([
      [100, 100],
      [100, 100],
      [50, 50],
      [0, 0],
    ]);

    // Through the step API: 250 superseded tasks of a third run, 100 looked at per step.
    const third = await job(t.tableId, [t.columns.email], t.rowIds);
    await job(t.tableId, [t.columns.email], t.rowIds);
    await age(third.jobId, 40);
    const steps = [];
    let cursor: CompactionCursor | null = null;
    for (;;) {
      const step = await compactTasksStep({ cursor, maxTasks: 100, batchSize: 50, retention: RETENTION });
      steps.push(step);
      if (step.finished) break;
      cursor = step.cursor;
    }
    expect(steps.length).toBeGreaterThan(2);
    expect(steps.every((s) => s.examined <= 100)).toBe(true);
    expect(steps.reduce((n, s) => n + s.deleted, 0)).toBe(250);
    expect((await getDb().cellEnrichmentTask.count({ where: { jobId: third.jobId } })) === 0).toBe(true);
  });

  test("racing a running job: none of its tasks is touched, old tasks go only once its cells are done", async () => {
    const t = await makeTable({ keys: ["email"], rows: 200 });
    const old = await job(t.tableId, [t.columns.email], t.rowIds);
    await age(old.jobId, 40);
    const running = await job(t.tableId, [t.columns.email], t.rowIds, false);
    await runCellBatch(running.ids.slice(0, 100));
    const statusesOf = async () =>
      (
        await getDb().cellEnrichmentTask.findMany({
          where: { jobId: running.jobId },
          orderBy: { ordinal: "asc" },
          select: { id: true, status: true, attempts: true },
        })
      ).map((x) => `${x.id}:${x.status}:${x.attempts}`);
    const runningBefore = await statusesOf();

    // Half the new run is done: only the old tasks of those cells are superseded.
    expect((await compactTasks({ retention: RETENTION })).deleted).toBe(100);
    expect(await statusesOf()).toEqual(runningBefore);
    const kept = await getDb().cellEnrichmentTask.findMany({ where: { jobId: old.jobId }, select: { id: true } });
    expect(new Set(kept.map((k) => k.id))).toEqual(new Set(old.ids.slice(100)));

    // The rest of the job runs while passes run beside it (the old job made due again, so that
    // they look at its tasks while the new run's cells finish).
    await getDb().$executeRaw`UPDATE enrichment_jobs SET compacted_at = NULL WHERE id = ${old.jobId}::uuid`;
    const rest = running.ids.slice(100);
    const [, passes] = await Promise.all([
      (async () => {
        for (let i = 0; i < rest.length; i += 10) await runCellBatch(rest.slice(i, i + 10));
      })(),
      Promise.all([compactTasks({ retention: RETENTION, batchSize: 7 }), compactTasks({ retention: RETENTION })]),
    ]);
    expect(passes.length).toBe(2);
    expect(await jobOf(running.jobId)).toMatchObject({ status: "completed", doneTasks: 200, failedTasks: 0 });
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: running.jobId, status: "done" } })).toBe(200);

    // Now that it ended, the old job is due again and its last superseded tasks go.
    await compactTasks({ retention: RETENTION });
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: old.jobId } })).toBe(0);
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: running.jobId } })).toBe(200);
    const rows = await rowsOf(t.tableId);
    const latest = new Set(running.ids);
    expect(rows.every((r) => latest.has((r.cellStates as Record<string, { t: string }>)[t.columns.email].t))).toBe(
      true,
    );
  });
});
