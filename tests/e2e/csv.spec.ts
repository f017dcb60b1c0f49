import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { cellOf, watchErrors } from "./grid-support";

const CSV =
  "Full Name,Company Domain,Notes\r\n" +
  'Ada Lovelace,analytical.io,"first, programmer"\r\n' +
  'Grace Hopper,cobol.dev,"said ""debug""\r\non two lines"\r\n' +
  "Émile Borel,,ünïcödé\r\n";

test("import a CSV into a new table and export it again with the same content", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Import CSV" }).click();
  await (await chooser).setFiles({ name: "csv round trip.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });

  await expect(page.getByRole("heading", { name: "csv round trip" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Company Domain/ })).toHaveAttribute(
    "title",
    /key: company_domain/,
  );
  await expect(await cellOf(page, "Ada Lovelace", "Notes")).toHaveText("first, programmer");
  await expect(await cellOf(page, "Grace Hopper", "Notes")).toHaveAttribute("title", 'said "debug"\r\non two lines');
  await page.screenshot({ path: "test-results/screenshots/csv-imported.png" });

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("csv round trip.csv");
  const exported = await readFile(await file.path(), "utf8");
  expect(exported).toBe(CSV);
  // The same values as they are (nothing here starts like a formula: the same file).
  await page.getByRole("button", { name: "More export options" }).click();
  const raw = page.waitForEvent("download");
  await page
    .getByRole("dialog", { name: "Export options" })
    .getByRole("link", { name: "Export values as they are" })
    .click();
  expect(await readFile(await (await raw).path(), "utf8")).toBe(CSV);
  await expect(page.getByRole("dialog", { name: "Export options" })).toBeHidden();
  expect(errors).toEqual([]);
});

test("importing a large CSV shows a progress bar, then the table with its exact row count", async ({ page }) => {
  const errors = watchErrors(page);
  const rows = 60_000;
  let body = "Name,Email,City\r\n";
  for (let i = 0; i < rows; i++) body += `Person ${i},person${i}@example.com,City ${i % 97}\r\n`;
  await page.goto("/");
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Import CSV" }).click();
  await (await chooser).setFiles({ name: "big people.csv", mimeType: "text/csv", buffer: Buffer.from(body) });

  const progress = page.getByRole("progressbar", { name: "Import progress" });
  await expect(progress).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/csv-import-progress.png" });
  await expect(page.getByRole("heading", { name: "big people" })).toBeVisible({ timeout: 60_000 });
  await expect(progress).toBeHidden();
  await expect(page.getByText("60,000 rows", { exact: false }).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("a 15 MB import through the production server keeps every row and carries the API's security headers", async ({
  request,
}) => {
  // Next buffers and cuts the body of requests its proxy runs on at 10 MB; imports bypass it.
  const rows = 180_000;
  const lines = ["name,company,email,title,notes"];
  for (let i = 0; i < rows; i++) {
    lines.push(`Person ${i},Company ${i % 997},person${i}@example.com,Title ${i % 13},Some notes about person ${i}`);
  }
  const body = Buffer.from(`${lines.join("\r\n")}\r\n`);
  expect(body.length).toBeGreaterThan(12 * 1024 * 1024);
  const response = await request.post("/api/tables/import?name=fifteen%20megabytes", {
    headers: { "content-type": "text/csv" },
    data: body,
    timeout: 180_000,
  });
  expect(response.status()).toBe(201);
  expect((await response.json()).meta.imported).toBe(rows);
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
});
