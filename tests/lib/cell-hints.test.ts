import "../support/no-orchestrator";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { getDb, getHintingPool, getPool } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { flushCellHints, hintCells } from "@/lib/realtime/cell-hints";
import { CHANNEL } from "@/lib/realtime/listener";
import { makeTable } from "../support/fixtures";

// The cells' hints of the engine's hot statements are sent by the application after they
// commit, merged per table, instead of by the tasks' trigger in each statement's transaction
// (which serialised concurrent commits on Postgres's notify lock). Notifications are counted
// by a real listener; a notification of the test's own marks where "everything sent before"
// has arrived, so no count depends on timing.

let listener: pg.Client;
const received: string[] = [];
let markSeq = 0;

beforeAll(async () => {
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on("notification", (m) => {
    if (m.channel === CHANNEL && m.payload) received.push(m.payload);
  });
  await listener.query(`LISTEN ${CHANNEL}`);
});

afterAll(async () => {
  await listener.end();
});

/** Every notification committed before this call, then clears them. */
async function drain(): Promise<string[]> {
  const mark = `~mark.${++markSeq}`;
  await getPool().query("SELECT pg_notify($1, $2)", [CHANNEL, mark]);
  for (let i = 0; i < 500 && !received.includes(mark); i++) await new Promise((r) => setTimeout(r, 10));
  const index = received.indexOf(mark);
  expect(index).toBeGreaterThanOrEqual(0);
  return received.splice(0, index + 1).slice(0, -1);
}

async function jobOf(keys: string[], rows: number) {
  const table = await makeTable({ keys, rows });
  await createEnrichmentJob({
    tableId: table.tableId,
    source: { mode: "grid", columnIds: Object.values(table.columns), rowIds: "all" },
  });
  const tasks = await getDb().cellEnrichmentTask.findMany({ where: { tableId: table.tableId }, select: { id: true } });
  // Creating the job hints its table after the commit, like the engine's statements.
  await flushCellHints();
  return { tableId: table.tableId, taskIds: tasks.map((t) => t.id) };
}

test("a task changed on the hinting pool (glaze.hints=app) → the trigger sends nothing; elsewhere → it hints", async () => {
  const { tableId, taskIds } = await jobOf(["email"], 2);
  await drain();
  await getHintingPool().query("UPDATE cell_enrichment_tasks SET error = 'x' WHERE id = $1", [taskIds[0]]);
  expect(await drain()).toEqual([]);
  await getPool().query("UPDATE cell_enrichment_tasks SET error = 'y' WHERE id = $1", [taskIds[1]]);
  expect(await drain()).toEqual([`${tableId}:c`]);
});

test("hints of many cells of two tables → one notification per table once flushed", async () => {
  hintCells(["a-table", "b-table", "a-table"]);
  hintCells(["b-table"]);
  await flushCellHints();
  expect((await drain()).sort()).toEqual(["a-table:c", "b-table:c"]);
});

test("creating a job → its table is hinted once, after the commit, by the process that created it", async () => {
  await drain();
  const { tableId } = await jobOf(["email"], 3);
  // (:t for the table's new columns and rows come from their triggers.)
  const hints = (await drain()).filter((p) => p === `${tableId}:c` || p === `${tableId}:j`);
  expect(hints.sort()).toEqual([`${tableId}:c`, `${tableId}:j`]);
});

test("100 cells run concurrently → their table is hinted after they commit, in far fewer notifications than statements", async () => {
  const { tableId, taskIds } = await jobOf(["a", "b", "c", "d", "e"], 20);
  await drain();
  await Promise.all(taskIds.map((id) => runCellTask(id)));
  await flushCellHints();
  const hints = (await drain()).filter((p) => p === `${tableId}:c`);
  // Each cell is two statements (claim, result): 200 trigger notifications before.
  expect(hints.length).toBeGreaterThan(0);
  expect(hints.length).toBeLessThan(50);
  // The job's end still comes from its own trigger.
  const job = await getDb().enrichmentJob.findFirstOrThrow({ where: { tableId } });
  expect(job.status).toBe("completed");
});
