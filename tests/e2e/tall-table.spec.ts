import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { watchErrors } from "./grid-support";

// A table taller than a browser lets an element be scrolls scaled: a million rows are
// 34,000,000 px of rows (Chromium renders at most ~33,554,000 px, Firefox ~17,895,000), the
// grid's scroll area stays at 10,000,000 px, and every row can still be reached by scrolling
// and by keys, drawn where it belongs.

const ROWS = 1_000_000;
const MAX_SCROLL_HEIGHT = 10_000_000;

test("1,000,000 rows: a bounded scroll area, rows in order at the middle and the end, a wheel at its usual speed, Ctrl+↓ reaches the last row", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  const windows = watchRowWindows(page);
  const csv = `name\n${Array.from({ length: ROWS }, (_, i) => `Row ${i + 1}`).join("\n")}\n`;
  const imported = await request.post("/api/tables/import?name=Tall%20table", {
    headers: { "content-type": "text/csv" },
    data: csv,
    timeout: 180_000,
  });
  expect(imported.status()).toBe(201);
  const id = (await imported.json()).data.id as string;

  await page.goto(`/tables/${id}`);
  const grid = page.getByRole("grid", { name: "Tall table" });
  await expect(grid.getByRole("row").filter({ hasText: /Row 1$/ })).toBeVisible();
  await expect(page.getByText("1,000,000 rows", { exact: true })).toBeVisible();

  const scroller = grid.locator("xpath=..");
  const height = await scroller.evaluate((el) => el.scrollHeight);
  expect(height).toBeLessThanOrEqual(MAX_SCROLL_HEIGHT + 100);

  // The rows drawn: consecutive, each 34 px below the last, the first just under the header.
  const shown = async () =>
    grid.evaluate((table) => {
      const header = table.querySelector("thead")?.getBoundingClientRect();
      const rows = [...table.querySelectorAll("tbody tr")].map((tr) => ({
        n: Number(tr.querySelector("th")?.getAttribute("data-row")) + 1,
        top: tr.getBoundingClientRect().top,
      }));
      const scroller = table.parentElement as HTMLElement;
      const viewBottom = scroller.getBoundingClientRect().top + scroller.clientTop + scroller.clientHeight;
      return { headerBottom: header?.bottom ?? 0, viewBottom, rows: rows.sort((a, b) => a.n - b.n) };
    });
  const expectContiguous = async () => {
    const { headerBottom, viewBottom, rows } = await shown();
    expect(rows.length).toBeGreaterThan(5);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].n).toBe(rows[i - 1].n + 1);
      expect(Math.abs(rows[i].top - rows[i - 1].top - 34)).toBeLessThan(1.5);
    }
    // Some row covers the line just under the header (overscan rows sit above it, hidden).
    expect(rows.some((r) => r.top <= headerBottom + 1 && r.top + 34 > headerBottom + 1)).toBe(true);
    return { rows, viewBottom };
  };

  // Half-way down the scrollbar is half-way down the rows.
  await scroller.evaluate((el) => {
    el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
  });
  await expect(
    grid
      .getByRole("row")
      .filter({ hasText: /Row 50\d{4}/ })
      .first(),
  )
    .toBeVisible()
    .catch(async (error: Error) => {
      // What the grid asked for and got, so a failure says whether rows were slow, failed or never asked for.
      const fast = await page.getByText(/^Row [\d,]+ of 1,000,000$/).count();
      throw new Error(`${error.message}\nfast-scroll overlay shown: ${fast > 0}\nrow windows:\n${windows.join("\n")}`);
    });
  await expect(async () => {
    const { rows } = await expectContiguous();
    expect(Math.abs(rows[0].n - ROWS / 2)).toBeLessThan(60);
  }).toPass();

  // A wheel moves the rows as far as ever (680 px: 20 rows), not `scale` times as far.
  const before = (await expectContiguous()).rows[0].n;
  await grid.hover();
  await page.mouse.wheel(0, 680);
  await expect(async () => {
    const moved = (await expectContiguous()).rows[0].n - before;
    expect(moved).toBeGreaterThanOrEqual(18);
    expect(moved).toBeLessThanOrEqual(22);
  }).toPass();

  // The end of the scrollbar is the last row.
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(grid.getByRole("row").filter({ hasText: `Row ${ROWS}` })).toBeVisible();
  await expect(async () => {
    const { rows, viewBottom } = await expectContiguous();
    // The last row ends exactly where the view does.
    expect(rows.at(-1)?.n).toBe(ROWS);
    expect(Math.abs((rows.at(-1)?.top ?? 0) + 34 - viewBottom)).toBeLessThan(1.5);
  }).toPass();

  // Keys: back to the top, a cell, Ctrl+↓ to the last row, which is shown and active.
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await grid
    .getByRole("row")
    .filter({ hasText: /Row 1$/ })
    .getByRole("gridcell")
    .first()
    .click();
  await page.keyboard.press("Control+ArrowDown");
  const last = grid.getByRole("row").filter({ hasText: `Row ${ROWS}` });
  await expect(last).toBeVisible();
  await expect(last.getByRole("gridcell").first()).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowUp");
  await expect(
    grid
      .getByRole("row")
      .filter({ hasText: `Row ${ROWS - 1}` })
      .getByRole("gridcell")
      .first(),
  ).toHaveAttribute("aria-selected", "true");
  await page.screenshot({ path: "test-results/screenshots/grid-tall-table-end.png" });
  expect(errors).toEqual([]);
});

/** Each row window the page requests: its offset, when it was asked for and answered (s), its status. */
function watchRowWindows(page: Page): string[] {
  const log: string[] = [];
  const started = Date.now();
  const at = () => ((Date.now() - started) / 1000).toFixed(2);
  const name = (url: string) => new URL(url).search;
  page.on("request", (r) => {
    if (r.url().includes("/rows?")) log.push(`${at()} s asked ${name(r.url())}`);
  });
  page.on("requestfinished", async (r) => {
    if (r.url().includes("/rows?")) log.push(`${at()} s answered ${name(r.url())}: ${(await r.response())?.status()}`);
  });
  page.on("requestfailed", (r) => {
    if (r.url().includes("/rows?")) log.push(`${at()} s failed ${name(r.url())}: ${r.failure()?.errorText}`);
  });
  return log;
}

test("a selection reaching over rows never loaded deletes exactly its rows, not the rest of a fetched page", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const csv = `name\n${Array.from({ length: 3000 }, (_, i) => `Row ${i + 1}`).join("\n")}\n`;
  const imported = await request.post("/api/tables/import?name=Selection%20reach", {
    headers: { "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status()).toBe(201);
  const id = (await imported.json()).data.id as string;

  await page.goto(`/tables/${id}`);
  const grid = page.getByRole("grid", { name: "Selection reach" });
  const gutter = (index: number) => grid.locator(`th[data-row="${index}"]`);
  await gutter(0).click();
  // Straight to row 1,000: the windows of rows 200–799 are never loaded.
  await grid.locator("xpath=..").evaluate((el) => {
    el.scrollTop = 985 * 34;
  });
  await expect(grid.locator("tr:has(th[data-row='999']) td").first()).toHaveText("Row 1000");
  await gutter(999).click({ modifiers: ["Shift"] });
  await expect(page.getByRole("toolbar").getByText("1,000 cells selected")).toBeVisible();
  await grid.locator("tr:has(th[data-row='999']) td").first().click({ button: "right" });
  await page.getByRole("menuitem", { name: "Delete 1,000 rows…" }).click();
  await page.getByRole("menuitem", { name: "Confirm: delete 1,000 rows and their values" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted 1,000 rows" })).toBeVisible();
  // Gone from the grid when the toast says so, not once the windows are read again.
  await expect(grid.getByRole("gridcell", { name: "Row 1000", exact: true })).toHaveCount(0, { timeout: 500 });
  const table = await (await request.get(`/api/tables/${id}`)).json();
  expect(table.rowCount).toBe(2000);
  const first = await (await request.get(`/api/tables/${id}/rows?limit=1`)).json();
  expect(first.data[0].data.name).toBe("Row 1001");
  expect(errors).toEqual([]);
});

test("a copy reaching over rows never loaded fetches them and copies every selected row", async ({ page, request }) => {
  test.setTimeout(120_000);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const errors = watchErrors(page);
  const csv = `name,note\n${Array.from({ length: 3000 }, (_, i) => `Row ${i + 1},n${i + 1}`).join("\n")}\n`;
  const imported = await request.post("/api/tables/import?name=Copy%20reach", {
    headers: { "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status()).toBe(201);
  const id = (await imported.json()).data.id as string;

  await page.goto(`/tables/${id}`);
  const grid = page.getByRole("grid", { name: "Copy reach" });
  const first = grid.locator("tr:has(th[data-row='0']) td").first();
  await expect(first).toHaveText("Row 1");
  await first.click();
  // Straight to row 2,500: most of the rows between are never loaded.
  await grid.locator("xpath=..").evaluate((el) => {
    el.scrollTop = 2485 * 34;
  });
  const last = grid.locator("tr:has(th[data-row='2499']) td").nth(1);
  await expect(last).toHaveText("n2500");
  await last.click({ modifiers: ["Shift"] });
  await expect(page.getByRole("toolbar").first()).toContainText("5,000 cells selected");
  await page.keyboard.press("ControlOrMeta+c");
  await expect
    .poll(async () => (await page.evaluate(() => navigator.clipboard.readText())).split("\n").length, {
      timeout: 20_000,
    })
    .toBe(2500);
  const copied = (await page.evaluate(() => navigator.clipboard.readText())).split("\n");
  expect(copied[0]).toBe("Row 1\tn1");
  expect(copied[1234]).toBe("Row 1235\tn1235");
  expect(copied[2499]).toBe("Row 2500\tn2500");
  expect(errors).toEqual([]);
});
