import "../support/no-orchestrator";
import fc from "fast-check";
import { expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { makeTable } from "../support/fixtures";

// The row-status trigger (migrations init, providers_and_recipes, row_status_fast_path) against
// the rules as the README states them, over generated cell states: any running → running; else
// any queued → queued; else done and skipped only → done; failed and no done → failed; done and
// failed → ambiguous; nothing → idle; a cell the budget stopped counts as never run.
// Confidence is the mean over done cells; the error counts
// failed cells once nothing is queued or running.

const STATUSES = ["queued", "running", "done", "failed", "skipped"] as const;
type Cell = { s: (typeof STATUSES)[number]; c?: number; e?: string };

// A cell a budget stopped before it was called (skipped "budget reached") counts as never run.
const counted = (cell: Cell) => !(cell.s === "skipped" && cell.e === "budget reached");

function expected(all: Cell[]) {
  const cells = all.filter(counted);
  const [queued, running, done, failed, skipped] = STATUSES.map((s) => cells.filter((c) => c.s === s).length);
  const status =
    running > 0
      ? "running"
      : queued > 0
        ? "queued"
        : done + skipped > 0 && failed === 0
          ? "done"
          : failed > 0 && done === 0
            ? "failed"
            : done > 0 && failed > 0
              ? "ambiguous"
              : "idle";
  const confidences = cells.filter((c) => c.s === "done" && c.c !== undefined).map((c) => c.c as number);
  const confidence = confidences.length > 0 ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null;
  const error =
    failed > 0 && running === 0 && queued === 0 ? `${failed} of ${done + failed + skipped} cells failed` : null;
  return { status, confidence, error };
}

const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  fc.record(
    { s: fc.constantFrom(...STATUSES), c: fc.double({ min: 0, max: 1, noNaN: true }) },
    { requiredKeys: ["s"] },
  ),
  fc.constant<Cell>({ s: "skipped", e: "budget reached" }),
  fc.constant<Cell>({ s: "skipped", e: "missing input: domain" }),
);

test("a row's status, confidence and error follow its cells' states, for 400 generated rows", async () => {
  const samples = fc.sample(fc.array(cellArb, { maxLength: 8 }), { numRuns: 400, seed: 20261203 });
  const t = await makeTable({ keys: ["name"], rows: samples.length });
  const states = samples.map((cells) =>
    JSON.stringify(
      Object.fromEntries(
        cells.map((cell, i) => [`col-${i}`, { t: `00000000-0000-0000-0000-00000000000${i}`, ...cell }]),
      ),
    ),
  );
  await getDb().$executeRaw`
    UPDATE rows SET cell_states = u.states
      FROM unnest(${t.rowIds}::uuid[], ${states}::jsonb[]) AS u(id, states) WHERE rows.id = u.id`;
  const rows = await getDb().row.findMany({
    where: { tableId: t.tableId },
    select: { id: true, status: true, confidence: true, error: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  samples.forEach((cells, i) => {
    const row = byId.get(t.rowIds[i]);
    const want = expected(cells);
    expect({ cells, status: row?.status, error: row?.error }).toEqual({
      cells,
      status: want.status,
      error: want.error,
    });
    if (want.confidence === null) expect(row?.confidence).toBeNull();
    else expect(row?.confidence).toBeCloseTo(want.confidence, 9);
  });
});
