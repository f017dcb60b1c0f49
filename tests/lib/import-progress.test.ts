import { expect, test } from "vitest";
import { importProgressView } from "@/lib/client/upload-csv";

test("the import bar only moves forward, though the server's lines arrive after the upload", () => {
  const total = 1000;
  // What a browser reports for a 200,000-row file: the upload, then every line at once.
  const steps = [
    { sent: 210, read: 0, rows: 0 },
    { sent: 930, read: 0, rows: 0 },
    { sent: 1000, read: 0, rows: 0 },
    { sent: 1000, read: 700, rows: 140_000 },
    { sent: 1000, read: 1000, rows: 200_000 },
  ];
  const views = steps.map((s) => importProgressView({ ...s, total }));
  const percents = views.map((v) => v.percent);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
  expect(percents.at(-1)).toBe(100);
  // The upload carries the bar (rows are inserted as it arrives), not half of it.
  expect(percents).toEqual([18, 83, 90, 90, 100]);
  expect(views.map((v) => v.label)).toEqual([
    "Importing 21%",
    "Importing 93%",
    "Inserting the last rows…",
    "Inserted 140,000 rows",
    "Inserted 200,000 rows · finishing…",
  ]);
  // Lines that do arrive during the upload are shown with it.
  expect(importProgressView({ sent: 500, read: 300, rows: 5_000, total }).label).toBe(
    "Importing 50% · 5,000 rows inserted",
  );
});
