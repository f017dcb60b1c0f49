import "../support/no-orchestrator";
import { describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { finishWaterfallCell, runCellTask, startCell } from "@/lib/enrichment/run-cell";
import { runWaterfallCall } from "@/lib/enrichment/waterfall/calls";
import type { WaterfallPlan } from "@/lib/enrichment/waterfall/plan";
import { api } from "../support/api";
import { jobOf, pool, rowsOf } from "../support/fixtures";
import { EMAIL_RECIPE, jobOver, makeLeads } from "../support/recipes";
import { replicasPerTest } from "../support/replicas";

// Values written by hand while cells are enriched. An edit of a cell's inputs while it runs
// must not let the old person's answer land in the row; an edit of the enriched cell itself
// wins over its enrichment (a queued cell is not called, a running one's answer is not
// merged), and the cell stops presenting a typed value as a provider's.

const replicas = replicasPerTest();

const RECIPE = { ...EMAIL_RECIPE, stopWhen: { minConfidence: 0.3 } };
const upstream = () => replicas().stats().hunter.calls;
const taskOf = (id: string) => getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id } });
const emailOf = (row: { data: unknown } | undefined) => (row?.data as { email?: string } | undefined)?.email;
const stateOf = (row: { cellStates: unknown }, columnId: string) =>
  (row.cellStates as Record<string, { s: string; p?: string; c?: number } | undefined>)[columnId];

async function startedPlan(taskId: string): Promise<WaterfallPlan> {
  const started = await startCell(taskId);
  if (!("plan" in started)) throw new Error("expected a waterfall");
  return started.plan;
}

describe("inputs edited while a cell runs", () => {
  test("the domain changes between the claim and the record → failed, saying so; the old answer is not merged", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], { email: RECIPE });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const taskId = taskIds[0] as string;
    const plan = await startedPlan(taskId);
    await runWaterfallCall(plan, "hunter.email-finder", { lastAttempt: false });
    const edit = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, {
      data: { company_domain: "acme.com" },
    });
    expect(edit.status).toBe(200);
    const outcome = await finishWaterfallCell(plan);
    expect(outcome).toMatchObject({
      status: "failed",
      permanent: true,
      error: "company_domain changed while this cell ran; run it again",
    });
    const [row] = await rowsOf(t.tableId);
    expect(row?.data).toEqual({ name: "Ada Lovelace", company_domain: "acme.com" });
    expect(stateOf(row as { cellStates: unknown }, t.columns.email as string)).toMatchObject({ s: "failed" });
    expect(stateOf(row as { cellStates: unknown }, t.columns.email as string)?.p).toBeUndefined();
    // The call was made and stays in the cell's history; the job counts the cell once, failed.
    expect(upstream()).toBe(1);
    expect(await getDb().providerCall.count({ where: { taskId } })).toBe(1);
    expect(await jobOf(jobId)).toMatchObject({ status: "failed", failedTasks: 1, doneTasks: 0 });
    const history = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`);
    expect(history.body).toMatchObject({ value: null, source: null, editedByHand: false, status: "failed" });
  });

  test("a column the providers are not asked about may change meanwhile: the value lands", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], {
      email: RECIPE,
      notes: null,
    });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const plan = await startedPlan(taskIds[0] as string);
    await runWaterfallCall(plan, "hunter.email-finder", { lastAttempt: false });
    // Same values written again, and a column no provider reads: nothing the answer depends on.
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, {
      data: { notes: "met at the conference", company_domain: "everyone.test" },
    });
    expect((await finishWaterfallCell(plan)).status).toBe("done");
    const [row] = await rowsOf(t.tableId);
    expect(emailOf(row)).toMatch(/@everyone\.test$/);
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", doneTasks: 1 });
  });

  test("a batch whose rows change while its calls are in flight keeps only the unchanged rows' answers", async () => {
    replicas().configure({ hunter: { latencyMs: 600 } });
    const t = await makeLeads(
      [
        { name: "Ada Lovelace", company_domain: "everyone.test" },
        { name: "Alan Turing", company_domain: "everyone.test" },
        { name: "Grace Hopper", company_domain: "everyone.test" },
      ],
      { email: RECIPE },
    );
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const batch = runCellBatch(taskIds);
    // Edit once every cell is claimed (its inputs read) and before the answers come back.
    for (let i = 0; i < 100; i++) {
      const running = await getDb().cellEnrichmentTask.count({ where: { jobId, status: "running" } });
      if (running === taskIds.length) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(upstream()).toBe(0);
    await api.patch(`/api/tables/${t.tableId}/rows`, {
      rows: [{ id: t.rowIds[1], data: { name: "Alan M. Turing" } }],
    });
    const outcomes = await batch;
    expect(outcomes.map((o) => o.status)).toEqual(["done", "failed", "done"]);
    expect(outcomes[1]?.error).toBe("name changed while this cell ran; run it again");
    const rows = await rowsOf(t.tableId);
    expect(rows.map((r) => typeof (r.data as { email?: string }).email)).toEqual(["string", "undefined", "string"]);
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", doneTasks: 2, failedTasks: 1 });
  });
});

describe("the enriched cell itself written by hand", () => {
  test("while queued: its task ends skipped, no provider is called, the typed value stays", async () => {
    const t = await makeLeads(
      [
        { name: "Ada Lovelace", company_domain: "everyone.test" },
        { name: "Alan Turing", company_domain: "everyone.test" },
      ],
      { email: RECIPE },
    );
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const edit = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, {
      data: { email: "ada@typed.test" },
    });
    expect(edit.status).toBe(200);
    expect(edit.body.cells[t.columns.email as string]).toBeUndefined();
    expect(edit.body.status).toBe("idle");
    expect(await taskOf(taskIds[0] as string)).toMatchObject({ status: "skipped", error: "edited by hand" });
    const history = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`);
    expect(history.body).toMatchObject({
      value: "ada@typed.test",
      editedByHand: true,
      enrichedValue: null,
      source: null,
    });
    const outcomes = await runCellBatch(taskIds);
    expect(outcomes.map((o) => [o.status, o.alreadyFinal])).toEqual([
      ["skipped", true],
      ["done", false],
    ]);
    expect(upstream()).toBe(1);
    const rows = await rowsOf(t.tableId);
    expect(emailOf(rows[0])).toBe("ada@typed.test");
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", doneTasks: 1, skippedTasks: 1 });
  });

  test("the last queued cell of a job written by hand ends the job", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], { email: RECIPE });
    const { jobId } = await jobOver(t.tableId, [t.columns.email as string]);
    await api.patch(`/api/tables/${t.tableId}/rows`, { rows: [{ id: t.rowIds[0], data: { email: "a@b.test" } }] });
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", skippedTasks: 1 });
  });

  test("while running: the call is kept and charged once, its answer is not merged over the typed value", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], { email: RECIPE });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const plan = await startedPlan(taskIds[0] as string);
    await runWaterfallCall(plan, "hunter.email-finder", { lastAttempt: false });
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "ada@typed.test" } });
    const outcome = await finishWaterfallCell(plan);
    expect(outcome).toMatchObject({ status: "skipped", alreadyFinal: true, error: "edited by hand" });
    const [row] = await rowsOf(t.tableId);
    expect(emailOf(row)).toBe("ada@typed.test");
    expect(stateOf(row as { cellStates: unknown }, t.columns.email as string)).toBeUndefined();
    expect(await getDb().providerCall.count({ where: { taskId: taskIds[0] } })).toBe(1);
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", skippedTasks: 1 });
  });

  test("once done: a different value drops the cell's state and the history says it was edited; the same value keeps it", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], { email: RECIPE });
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    expect((await runCellTask(taskIds[0] as string)).status).toBe("done");
    const cellUrl = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`;
    const found = (await api.get(cellUrl)).body;
    expect(found).toMatchObject({ editedByHand: false, source: { provider: "hunter.email-finder" } });

    const same = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: found.value } });
    expect(same.body.cells[t.columns.email as string]).toMatchObject({ status: "done" });

    const typed = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "x@typed.test" } });
    expect(typed.body.cells[t.columns.email as string]).toBeUndefined();
    const history = (await api.get(cellUrl)).body;
    expect(history).toMatchObject({
      value: "x@typed.test",
      editedByHand: true,
      enrichedValue: found.value,
      source: null,
      confidence: null,
    });
    expect(history.history).toHaveLength(1);
    // Cleared by hand: the same.
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: null } });
    expect((await api.get(cellUrl)).body).toMatchObject({ value: null, editedByHand: true, source: null });
    // Its enriched value written back (an undo of the clear): the cell is as its run left it again.
    const back = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: found.value } });
    expect(back.body.cells[t.columns.email as string]).toMatchObject({
      taskId: taskIds[0],
      status: "done",
      confidence: found.confidence,
      provider: "hunter.email-finder",
    });
    expect((await api.get(cellUrl)).body).toMatchObject({
      value: found.value,
      editedByHand: false,
      status: "done",
      source: { provider: "hunter.email-finder" },
    });
    // Over many rows (a paste's undo) too; another value stays typed by hand.
    await api.patch(`/api/tables/${t.tableId}/rows`, { rows: [{ id: t.rowIds[0], data: { email: "y@typed.test" } }] });
    const bulk = await api.patch(`/api/tables/${t.tableId}/rows`, {
      rows: [{ id: t.rowIds[0], data: { email: found.value } }],
    });
    expect(bulk.body.data[0].cells[t.columns.email as string]).toMatchObject({ status: "done" });
  });

  test("a value typed over a failed run is edited by hand; a failed run under an imported value is not", async () => {
    const t = await makeLeads(
      [
        { name: "Nobody Known", company_domain: "unknown.test" },
        { name: "Imported Value", company_domain: "unknown.test", email: "kept@imported.test" },
      ],
      { email: RECIPE },
    );
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    for (const taskId of taskIds) expect((await runCellTask(taskId as string)).status).toBe("failed");
    const cellUrl = (row: number) => `/api/tables/${t.tableId}/rows/${t.rowIds[row]}/cells/${t.columns.email}`;
    expect((await api.get(cellUrl(1))).body).toMatchObject({ value: "kept@imported.test", editedByHand: false });
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "found@by.hand" } });
    expect((await api.get(cellUrl(0))).body).toMatchObject({
      value: "found@by.hand",
      editedByHand: true,
      source: null,
      status: null,
    });
    // Undone (the cell cleared again, as it was): its failed run is back, with its error (it stayed
    // a blank cell with no state, out of failed filters and retries).
    const undone = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: null } });
    expect(undone.body.cells[t.columns.email as string]).toMatchObject({ taskId: taskIds[0], status: "failed" });
    expect(undone.body.status).toBe("failed");
    // A value typed over a failed cell and then another one is typed by hand, not the failure.
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "a@typed.test" } });
    const other = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "b@typed.test" } });
    expect(other.body.cells[t.columns.email as string]).toBeUndefined();
  });
});

test("values typed into half of a running job's cells, racing its batches: every cell counted once, every typed value kept", async () => {
  replicas().configure({ hunter: { latencyMs: 40 } });
  const people = Array.from({ length: 40 }, (_, i) => ({ name: `Person ${i}`, company_domain: "everyone.test" }));
  const t = await makeLeads(people, { email: RECIPE });
  const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
  const batches = Array.from({ length: 8 }, (_, i) => taskIds.slice(i * 5, i * 5 + 5));
  const typed = (i: number) => `typed${i}@hand.test`;
  await Promise.all([
    pool(batches, 4, (ids) => runCellBatch(ids)),
    pool(
      Array.from({ length: 20 }, (_, i) => i * 2),
      3,
      async (i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 4));
        const res = await api.patch(`/api/tables/${t.tableId}/rows`, {
          rows: [{ id: t.rowIds[i], data: { email: typed(i) } }],
        });
        expect(res.status).toBe(200);
      },
    ),
  ]);
  const rows = await rowsOf(t.tableId);
  for (let i = 0; i < 40; i += 2) expect(emailOf(rows[i])).toBe(typed(i));
  for (let i = 1; i < 40; i += 2) expect(emailOf(rows[i])).toMatch(/@everyone\.test$/);
  const byStatus = await getDb().cellEnrichmentTask.groupBy({ by: ["status"], where: { jobId }, _count: true });
  const count = (status: string) => byStatus.find((b) => b.status === status)?._count ?? 0;
  expect(count("queued") + count("running")).toBe(0);
  const job = await jobOf(jobId);
  expect(job).toMatchObject({
    status: "completed",
    doneTasks: count("done"),
    skippedTasks: count("skipped"),
    failedTasks: 0,
  });
  expect(job.doneTasks + job.skippedTasks).toBe(40);
  // Each cell called at most once (the typed ones before their edit, or never); a call still
  // waiting for the rate limit when its cell was typed over is recorded as not sent.
  expect(upstream()).toBe(
    await getDb().providerCall.count({ where: { task: { jobId }, outcome: { not: "skipped" } } }),
  );
  expect(upstream()).toBeLessThanOrEqual(40);
});

describe("a cell claimed again after its inputs were edited", () => {
  test("asks its providers again about the new values: answers about the old ones are neither reused nor chosen", async () => {
    replicas().configure({ hunter: { findRate: 1 } });
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], {
      email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 1 } },
    });
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const taskId = taskIds[0] as string;
    const first = await startedPlan(taskId);
    await runWaterfallCall(first, "hunter.email-finder", { lastAttempt: false });
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { company_domain: "acme.com" } });
    // The orchestrator's retry of the cell: claimed again (attempt 2), planned from the row as it is now.
    const started = await startCell(taskId, 2);
    if (!("plan" in started)) throw new Error("expected a waterfall");
    expect(started.plan.inputs.domain).toBe("acme.com");
    for (const provider of EMAIL_RECIPE.providers) {
      await runWaterfallCall(started.plan, provider, { lastAttempt: false });
    }
    expect(replicas().stats().hunter.calls).toBe(2);
    const outcome = await finishWaterfallCell(started.plan);
    expect(outcome.status).toBe("done");
    expect(outcome.value).toMatch(/@acme\.com$/);
    expect(emailOf((await rowsOf(t.tableId))[0])).toMatch(/@acme\.com$/);
  });

  test("a run that found nothing about values edited meanwhile says they changed, not 'No value found'", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "unknown.test" }], { email: RECIPE });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const plan = await startedPlan(taskIds[0] as string);
    for (const provider of EMAIL_RECIPE.providers) await runWaterfallCall(plan, provider, { lastAttempt: false });
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { company_domain: "everyone.test" } });
    expect(await finishWaterfallCell(plan)).toMatchObject({
      status: "failed",
      error: "company_domain changed while this cell ran; run it again",
    });
    expect(await taskOf(taskIds[0] as string)).toMatchObject({
      status: "failed",
      error: "company_domain changed while this cell ran; run it again",
    });
    expect(await jobOf(jobId)).toMatchObject({ status: "failed", failedTasks: 1 });
  });
});
