import { describe, expect, it, test } from "vitest";
import { columnNamesOf, endedOf, failedOf } from "@/components/jobs/format";

const job = {
  status: "cancelled",
  progress: 100,
  totalTasks: 200,
  doneTasks: 20,
  failedTasks: 150,
  skippedTasks: 10,
  cancelledTasks: 140,
};

test("a cancelled job's ended cells are all of them, as its API progress of 100 % counts; its real failures leave the cancelled out", () => {
  expect(failedOf(job)).toBe(10);
  expect(endedOf(job)).toBe(180);
  expect(endedOf({ ...job, failedTasks: 170 })).toBe(job.totalTasks);
});

describe("columnNamesOf", () => {
  const columns = [
    { id: "A0000000-0000-4000-8000-000000000001", label: "Email" },
    { id: "a0000000-0000-4000-8000-000000000002", label: "Company" },
    { id: "a0000000-0000-4000-8000-000000000003", label: "Title" },
  ];
  it("names the job's columns in the table's order, whatever the case of their ids", () => {
    const job = { columnIds: [columns[1].id, columns[0].id.toLowerCase()] };
    expect(columnNamesOf(job, columns)).toBe("Email, Company");
  });
  it("counts the columns deleted since", () => {
    const gone = "a0000000-0000-4000-8000-0000000000ff";
    expect(columnNamesOf({ columnIds: [columns[2].id, gone] }, columns)).toBe("Title and 1 deleted column");
    expect(columnNamesOf({ columnIds: [gone] }, columns)).toBe("a deleted column");
    expect(columnNamesOf({ columnIds: [gone, `${gone.slice(0, -1)}e`] }, columns)).toBe("2 deleted columns");
    expect(columnNamesOf({ columnIds: [] }, columns)).toBe("");
  });
});
