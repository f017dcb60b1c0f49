import { expect, test } from "vitest";
import type { CellHistoryDto } from "@/lib/client/fetchers";
import { noSourceText } from "@/lib/client/history-summary";

type Run = CellHistoryDto["history"][number];
const run = (status: Run["status"], error: string | null = null) => ({ status, error }) as Run;

test("the summary of a cell without a value is its latest run's end", () => {
  expect(noSourceText([])).toBe("Not enriched yet");
  expect(noSourceText([run("failed", "No value found (hunter: not found)")])).toBe(
    "The last run failed: No value found (hunter: not found)",
  );
  expect(noSourceText([run("running"), run("failed", "x")])).toBe("Being enriched");
});

test("a run its job's cancel ended is passed over: the cell shows the run before it again", () => {
  expect(noSourceText([run("failed", "cancelled"), run("failed", "No value found (hunter: not found)")])).toBe(
    "The last run failed: No value found (hunter: not found)",
  );
  expect(noSourceText([run("failed", "cancelled")])).toBe("Cancelled: its job was cancelled before this cell ran");
});
