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
  expect(views.map((v) => v.label)).toEqual([
    "Uploading 21%",
    "Uploading 93%",
    "Inserting rows…",
    "Inserted 140,000 rows",
    "Inserted 200,000 rows",
  ]);
  // Lines that do arrive during the upload are shown with it.
  expect(importProgressView({ sent: 500, read: 300, rows: 5_000, total }).label).toBe(
    "Uploading 50% · 5,000 rows inserted",
  );
});
