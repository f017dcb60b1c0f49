import { expect, test } from "vitest";
import { failedOf, ranOf, shownProgress } from "@/components/jobs/format";

const job = {
  status: "cancelled",
  progress: 100,
  totalTasks: 200,
  doneTasks: 20,
  failedTasks: 150,
  skippedTasks: 10,
  cancelledTasks: 140,
};

test("a cancelled job shows the cells that ran, not the 100 % the API counts", () => {
  expect(failedOf(job)).toBe(10);
  expect(ranOf(job)).toBe(40);
  expect(shownProgress(job)).toBe(20);
  expect(shownProgress({ ...job, status: "completed", cancelledTasks: 0 })).toBe(100);
});
