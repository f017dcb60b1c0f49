// Deleting rows and taking the deletion back (the grid's undo): DELETE /rows keeps the deleted
// rows' values in deleted_rows, one INSERT … SELECT in the deleting statement. Times a delete
// of 10,000 rows with it and without it (the single-row route keeps nothing: the old path),
// alternately on fresh tables of 20,000 rows × 6 filled columns, the restore of such a
// deletion, and the bytes a kept row takes. Direct engine calls (no HTTP).
import { getDb } from "../lib/db";
import { createRows, deleteRows, restoreRows } from "../lib/rows/rows";
import { createTable } from "../lib/tables/tables";
import { fmt } from "./support";

const KEYS = ["name", "email", "company", "title", "location", "industry"];
const ROWS = 20_000;
const DELETED = 10_000;
const ROUNDS = 3;

async function filledTable(workspaceId: string, name: string) {
  const table = await createTable({
    workspaceId,
    input: { name, description: null, columns: KEYS.map((key) => ({ key, label: key, dataType: "text" as const })) },
  });
  const ids: string[] = [];
  for (let offset = 0; offset < ROWS; offset += 10_000) {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      data: Object.fromEntries(KEYS.map((key) => [key, `${key} of lead ${offset + i} at example.com`])),
    }));
    ids.push(...(await createRows({ tableId: table.id, input: { rows } })).map((r) => r.id));
  }
  return { tableId: table.id, ids };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchRows(workspaceId: string, log = console.log) {
  const plain: number[] = [];
  const kept: number[] = [];
  const restored: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const keep of [false, true]) {
      const t = await filledTable(workspaceId, `rows bench ${round} ${keep ? "kept" : "plain"}`);
      const every = Math.floor(ROWS / DELETED);
      const ids = t.ids.filter((_, i) => i % every === 0).slice(0, DELETED);
      const started = performance.now();
      const { deletion } = await deleteRows({ tableId: t.tableId, input: { ids }, keep });
      (keep ? kept : plain).push(performance.now() - started);
      if (deletion) {
        const back = performance.now();
        await restoreRows({ tableId: t.tableId, deletion });
        restored.push(performance.now() - back);
        await deleteRows({ tableId: t.tableId, input: { ids }, keep: true });
      }
    }
  }
  const [size] = await getDb().$queryRaw<{ bytes: number; rows: number }[]>`
    SELECT pg_total_relation_size('deleted_rows')::float8 AS bytes, (SELECT count(*) FROM deleted_rows)::float8 AS rows`;
  log(`  delete ${fmt(DELETED)} of ${fmt(ROWS)} rows (6 filled columns), median of ${ROUNDS}:`);
  log(`    not kept (single-row path): ${fmt(median(plain))} ms   [${plain.map((ms) => fmt(ms)).join(", ")}]`);
  log(`    kept for restoring (DELETE /rows): ${fmt(median(kept))} ms   [${kept.map((ms) => fmt(ms)).join(", ")}]`);
  log(`  restore ${fmt(DELETED)} rows: ${fmt(median(restored))} ms   [${restored.map((ms) => fmt(ms)).join(", ")}]`);
  log(
    `  deleted_rows: ${fmt(size.bytes / Math.max(1, size.rows))} bytes a kept row (with its index), ${fmt(size.rows)} rows`,
  );
  await getDb().$executeRaw`DELETE FROM tables WHERE name LIKE 'rows bench %'`;
}
