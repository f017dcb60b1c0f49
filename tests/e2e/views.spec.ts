import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { createTable, pasteIntoGrid, rowWith, watchErrors } from "./grid-support";

test.describe.configure({ mode: "serial" });

// Views in the browser: search, filter, sort, hide and resize columns, save a view, reopen it,
// and enrich exactly the rows of a filtered view.

const COLUMNS = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email", dataType: "email" },
  { key: "company", label: "Company" },
  { key: "employees", label: "Employees", dataType: "number" },
];
/** 30 leads: even ones have an email; companies Acme/Globex/Initech in turn; employees 10…300. */
const ROWS = Array.from({ length: 30 }, (_, i) => ({
  name: `Lead ${String(i + 1).padStart(2, "0")}`,
  ...(i % 2 === 0 ? { email: `lead${i + 1}@example.com` } : {}),
  company: ["Acme", "Globex", "Initech"][i % 3],
  employees: (i + 1) * 10,
}));

const viewBar = (page: Page) => page.getByRole("toolbar", { name: "View" });
const viewSwitcher = (page: Page) => viewBar(page).getByRole("combobox", { name: "View", exact: true });
const dataRows = (page: Page) => page.getByRole("grid").locator("tbody tr:not([data-loading])");

/** Runs `act` and waits until the view it switched to is remembered (PUT /views/last). */
async function remembering(page: Page, act: () => Promise<unknown>) {
  const remembered = page.waitForResponse(
    (r) => r.request().method() === "PUT" && new URL(r.url()).pathname.endsWith("/views/last"),
  );
  await act();
  expect((await remembered).status()).toBe(200);
}

/** The URLs of the row windows the page asks for from now on. */
function watchRowRequests(page: Page, tableId: string) {
  const urls: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === `/api/tables/${tableId}/rows`) urls.push(r.url());
  });
  return urls;
}

test("search, filter, sort, hide and resize; save the view; a reload opens the last used view", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(request, "Views", COLUMNS, ROWS);
  await page.goto(`/tables/${table.id}`);
  await expect(rowWith(page, "Lead 01")).toBeVisible();
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();

  // Search: every value of the row, case-insensitive.
  await viewBar(page).getByRole("searchbox", { name: "Search rows" }).fill("GLOBEX");
  await expect(viewBar(page).getByText("10 rows of 30")).toBeVisible();
  await expect(dataRows(page)).toHaveCount(10);
  await expect(rowWith(page, "Lead 02")).toBeVisible();
  await expect(rowWith(page, "Lead 01")).toHaveCount(0);
  await viewBar(page).getByRole("searchbox", { name: "Search rows" }).fill("");
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();

  // Filter: email is empty.
  await viewBar(page).getByRole("button", { name: "Filter" }).click();
  const filter = page.getByRole("dialog", { name: "Filter" });
  await filter.getByRole("button", { name: "+ Add condition" }).click();
  await filter.getByLabel("Condition 1 column").selectOption({ label: "Email" });
  await filter.getByLabel("Condition 1 operator").selectOption({ label: "is empty" });
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/views-filter.png" });
  await page.keyboard.press("Escape");
  await expect(filter).toHaveCount(0);

  // Sort from the column's menu: the biggest company first.
  await page.getByRole("button", { name: "Column options: Employees" }).click();
  await page.getByRole("menuitem", { name: "Sort descending" }).click();
  await expect(page.getByRole("columnheader", { name: /Employees/ })).toHaveAttribute("aria-sort", "descending");
  await expect(dataRows(page).first()).toContainText("Lead 30");
  await expect(dataRows(page).nth(1)).toContainText("Lead 28");

  // Hide a column, then resize another by dragging its header's edge.
  await page.getByRole("button", { name: "Column options: Name" }).click();
  await page.getByRole("menuitem", { name: "Hide column" }).click();
  await expect(page.getByRole("columnheader", { name: /^Name/ })).toHaveCount(0);
  await expect(viewBar(page).getByRole("button", { name: "Columns · 1 hidden" })).toBeVisible();
  const company = page.getByRole("columnheader", { name: /Company/ });
  const before = (await company.boundingBox())?.width ?? 0;
  const handle = page.getByRole("separator", { name: "Resize Company" });
  const box = await handle.boundingBox();
  if (!box) throw new Error("no resize handle");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 100, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await company.boundingBox())?.width ?? 0)).toBeGreaterThan(before + 80);

  // Save as a new view.
  await viewBar(page).getByRole("button", { name: "Save as…" }).click();
  // The name field has the focus: typing at once goes there, every key of it.
  const viewName = page.getByRole("dialog", { name: "Save as a new view" }).getByLabel("View name");
  await expect(viewName).toBeFocused();
  await page.keyboard.type("No email yet");
  await expect(viewName).toHaveValue("No email yet");
  await remembering(page, () => page.getByRole("button", { name: "Save view" }).click());
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("No email yet");
  const views = (await (await request.get(`/api/tables/${table.id}/views`)).json()).data;
  expect(views).toHaveLength(1);
  expect(views[0]).toMatchObject({
    name: "No email yet",
    filter: { column: "email", op: "is_empty" },
    sort: [{ column: "employees", direction: "desc" }],
    hiddenColumns: ["name"],
  });
  expect(views[0].columnWidths.company).toBeGreaterThan(before + 80);

  // The view just saved is the person's last used one: a reload opens on it, and the grid
  // never asks for the table's unfiltered rows first (no flash of all rows).
  const rowRequests = watchRowRequests(page, table.id);
  await page.reload();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("No email yet");
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /^Name/ })).toHaveCount(0);
  await expect(dataRows(page).first()).toContainText("300");
  expect(rowRequests.length).toBeGreaterThan(0);
  for (const url of rowRequests) expect(new URL(url).searchParams.get("filter"), url).not.toBeNull();
  await page.screenshot({ path: "test-results/screenshots/views-saved.png" });

  // Export CSV downloads what the view shows: its rows in its order, without the hidden column.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const exported = await readFile(await (await download).path(), "utf8");
  const shown = [30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2].map(
    (n) => `,${["Acme", "Globex", "Initech"][(n - 1) % 3]},${n * 10}`,
  );
  expect(exported).toBe(`${["Email,Company,Employees", ...shown].join("\r\n")}\r\n`);

  // "All rows" is remembered too; picking the view again brings it all back, and it stays.
  await remembering(page, () => viewSwitcher(page).selectOption({ label: "All rows" }));
  await page.reload();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("All rows");
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();
  await remembering(page, () => viewSwitcher(page).selectOption({ label: "No email yet" }));
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();
  await page.reload();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("No email yet");
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();

  // Renamed in place: the same view, its settings kept.
  await viewBar(page).getByRole("button", { name: "Rename…" }).click();
  const rename = page.getByRole("dialog", { name: "Rename the view" });
  await expect(rename.getByLabel("View name")).toHaveValue("No email yet");
  await rename.getByLabel("View name").fill("Needs an email");
  await rename.getByRole("button", { name: "Rename view" }).click();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("Needs an email");
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();
  const renamed = (await (await request.get(`/api/tables/${table.id}/views`)).json()).data;
  expect(renamed).toMatchObject([{ id: views[0].id, name: "Needs an email", filter: views[0].filter }]);

  // The address names the saved view on screen: a link opens it, whatever was used last.
  await expect(page).toHaveURL(new RegExp(`/tables/${table.id}\\?view=${views[0].id}$`));
  const link = page.url();
  await remembering(page, () => viewSwitcher(page).selectOption({ label: "All rows" }));
  await expect(page).toHaveURL(new RegExp(`/tables/${table.id}\\?view=all$`));
  // Back and Forward step through the views chosen.
  await page.goBack();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("Needs an email");
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();
  await page.goForward();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("All rows");
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/tables/${table.id}\\?view=all$`));
  // Away and Back: the view that was on screen, not the one the page was opened on.
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await page.goBack();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("All rows");
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();
  await page.goto(link);
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("Needs an email");
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();
  // A link to a view that is gone opens the last one, saying so.
  await page.goto(`/tables/${table.id}?view=00000000-0000-4000-8000-000000000000`);
  await expect(page.getByRole("status").filter({ hasText: "The view in the link does not exist" })).toBeVisible();
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("Needs an email");
  expect(errors).toEqual([]);
});

test("enrich the view: a column of a filtered view enriches exactly its rows, then the view is read again", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(request, "Enrich a view", COLUMNS, ROWS);
  await page.goto(`/tables/${table.id}`);
  await viewBar(page).getByRole("button", { name: "Filter" }).click();
  const filter = page.getByRole("dialog", { name: "Filter" });
  await filter.getByRole("button", { name: "+ Add condition" }).click();
  await filter.getByLabel("Condition 1 column").selectOption({ label: "Email" });
  await filter.getByLabel("Condition 1 operator").selectOption({ label: "is empty" });
  await page.keyboard.press("Escape");
  await expect(viewBar(page).getByText("15 rows of 30")).toBeVisible();

  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Enrich column (15 rows in view)" }).click();
  await expect(page.getByRole("region", { name: "Enrichment progress" })).toBeVisible();
  await expect(page.getByRole("grid").locator("td[data-status=queued], td[data-status=running]").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/views-enrich-running.png" });

  // Every empty email is filled, so once the job ends the view "email is empty" has no rows.
  await expect(page.getByRole("heading", { name: "No rows match this view" })).toBeVisible({ timeout: 30_000 });
  const jobs = (await (await request.get(`/api/tables/${table.id}/enrich/jobs`)).json()).data;
  expect(jobs[0]).toMatchObject({ totalTasks: 15, doneTasks: 15, status: "completed" });
  const rows = (await (await request.get(`/api/tables/${table.id}/rows?limit=100`)).json()).data;
  for (const [i, row] of rows.entries()) {
    expect(row.status).toBe(i % 2 === 1 ? "done" : "idle");
    expect(row.data.email).toBe(i % 2 === 1 ? `fake_${row.id}@example.com` : `lead${i + 1}@example.com`);
  }
  await page.getByRole("button", { name: "Clear filter and search" }).click();
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/views-enrich-done.png" });
  expect(errors).toEqual([]);
});

test("undo of a paste in a searched view brings its rows back into the view", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Undo in a view",
    [{ key: "name", label: "Name" }],
    [{ name: "keep 1" }, { name: "keep 2" }, { name: "other" }],
  );
  await page.goto(`/tables/${table.id}`);
  await viewBar(page).getByRole("searchbox", { name: "Search rows" }).fill("keep");
  await expect(viewBar(page).getByText("2 rows of 3")).toBeVisible();
  await rowWith(page, "keep 2").getByRole("gridcell").last().click();
  await pasteIntoGrid(page, "changed\nnew row\n");
  await expect(page.getByRole("status").filter({ hasText: "Pasted into 1 row and added 1 row" })).toBeVisible();
  await expect(viewBar(page).getByText("1 row of 4")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+z");
  await expect(viewBar(page).getByText("2 rows of 3")).toBeVisible();
  await expect(rowWith(page, "keep 2")).toBeVisible();
  await expect(dataRows(page)).toHaveCount(2);
  expect(errors).toEqual([]);
});

test("a row edited elsewhere so that it now matches the view appears in it, and the count follows", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Live view",
    [
      { key: "name", label: "Name" },
      { key: "city", label: "City" },
    ],
    [
      { name: "Anna", city: "Paris" },
      { name: "Bruno", city: "Berlin" },
      { name: "Chloé", city: "Paris" },
      { name: "Dieter", city: "Bonn" },
    ],
  );
  await page.goto(`/tables/${table.id}`);
  await viewBar(page).getByRole("searchbox", { name: "Search rows" }).fill("paris");
  await expect(viewBar(page).getByText("2 rows of 4")).toBeVisible();
  await expect(dataRows(page)).toHaveCount(2);
  const bruno = table.rows.find((r) => r.data.name === "Bruno")?.id as string;
  // Another person (here the API) moves Bruno to Paris: the view shows him without a reload.
  const moved = await request.patch(`/api/tables/${table.id}/rows/${bruno}`, { data: { data: { city: "Paris" } } });
  expect(moved.status()).toBe(200);
  await expect(viewBar(page).getByText("3 rows of 4")).toBeVisible();
  await expect(rowWith(page, "Bruno")).toBeVisible();
  // And back out of it.
  await request.patch(`/api/tables/${table.id}/rows/${bruno}`, { data: { data: { city: "Lyon" } } });
  await expect(viewBar(page).getByText("2 rows of 4")).toBeVisible();
  await expect(rowWith(page, "Bruno")).toHaveCount(0);
  // A row added in the view is hidden by its search: the notice says so.
  await page.getByRole("button", { name: "+ Row" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The view's filter or search hides it" })).toBeVisible();
  await expect(viewBar(page).getByText("2 rows of 5")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a column imported as text sorts as numbers once its type is changed from its menu", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Amounts",
    [
      { key: "name", label: "Name" },
      { key: "amount", label: "Amount" },
    ],
    [
      { name: "a", amount: "9" },
      { name: "b", amount: "10" },
      { name: "c", amount: "100" },
      { name: "d", amount: "2.5" },
    ],
  );
  await page.goto(`/tables/${table.id}`);
  const names = () => dataRows(page).locator("td[data-col='0']").allTextContents();
  await page.getByRole("button", { name: "Column options: Amount" }).click();
  await page.getByRole("menuitem", { name: "Sort descending" }).click();
  await expect.poll(names).toEqual(["a", "d", "c", "b"]); // as text: 9, 2.5, 100, 10
  await page.getByRole("button", { name: "Column options: Amount" }).click();
  await page.getByRole("menuitem", { name: "Change type (text)…" }).click();
  await page.getByLabel("Column type").selectOption("number");
  await page.getByRole("button", { name: "Change type" }).click();
  await expect.poll(names).toEqual(["c", "b", "a", "d"]); // as numbers: 100, 10, 9, 2.5
  await page.getByRole("button", { name: "Column options: Amount" }).click();
  await expect(page.getByRole("menuitem", { name: "Change type (number)…" })).toBeVisible();
  await page.keyboard.press("Escape");

  // A filter that only fits a number column goes when the column becomes text again, as it goes
  // from saved views: the grid keeps showing rows instead of a refused read.
  await viewBar(page).getByRole("button", { name: "Filter" }).click();
  const filter = page.getByRole("dialog", { name: "Filter" });
  await filter.getByRole("button", { name: "+ Add condition" }).click();
  await filter.getByLabel("Condition 1 column").selectOption({ label: "Amount" });
  await filter.getByLabel("Condition 1 operator").selectOption({ label: "is greater than" });
  await filter.getByLabel("Condition 1 value").fill("5");
  await expect.poll(names).toEqual(["c", "b", "a"]);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Column options: Amount" }).click();
  await page.getByRole("menuitem", { name: "Change type (number)…" }).click();
  await page.getByLabel("Column type").selectOption("text");
  await page.getByRole("button", { name: "Change type" }).click();
  await expect.poll(names).toEqual(["a", "d", "c", "b"]); // unfiltered, sorted as text again
  await expect(viewBar(page).getByText("4 rows")).toBeVisible();

  // Deleting the column the view sorts by leaves the table's own order.
  await page.getByRole("button", { name: "Column options: Amount" }).click();
  await page.getByRole("menuitem", { name: "Delete column…" }).click();
  await page.getByRole("menuitem", { name: /Confirm: delete “Amount”/ }).click();
  await expect(page.getByRole("columnheader", { name: /Amount/ })).toHaveCount(0);
  await expect.poll(names).toEqual(["a", "b", "c", "d"]);
  expect(errors).toEqual([]);
});

test("a view saved with a search keeps it: it opens with its search, and another view opens without", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(request, "Searched views", COLUMNS, ROWS);
  await page.goto(`/tables/${table.id}`);
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();
  const search = viewBar(page).getByRole("searchbox", { name: "Search rows" });
  await search.fill("GLOBEX");
  await expect(viewBar(page).getByText("10 rows of 30")).toBeVisible();
  await viewBar(page).getByRole("button", { name: "Save as…" }).click();
  await page.getByRole("dialog", { name: "Save as a new view" }).getByLabel("View name").fill("Globex");
  await remembering(page, () => page.getByRole("button", { name: "Save view" }).click());
  await expect(viewSwitcher(page).locator("option:checked")).toHaveText("Globex");
  const [saved] = (await (await request.get(`/api/tables/${table.id}/views`)).json()).data;
  expect(saved.filter).toEqual({ op: "search", value: "GLOBEX" });
  await page.reload();
  await expect(search).toHaveValue("GLOBEX");
  await expect(viewBar(page).getByText("10 rows of 30")).toBeVisible();
  // Another view opens as it was saved: no search carried over.
  await remembering(page, () => viewSwitcher(page).selectOption({ label: "All rows" }));
  await expect(search).toHaveValue("");
  await expect(viewBar(page).getByText("30 rows")).toBeVisible();
  expect(errors).toEqual([]);
});

test("an edit that moves its row in a sorted view leaves the selection on the record it went to, not on the row number", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Scores",
    [
      { key: "name", label: "Name" },
      { key: "score", label: "Score", dataType: "number" },
    ],
    [
      { name: "Ada", score: 1 },
      { name: "Olaf", score: 2 },
      { name: "Linus", score: 3 },
    ],
  );
  await page.goto(`/tables/${table.id}`);
  const names = () => dataRows(page).locator("td[data-col='0']").allTextContents();
  await page.getByRole("button", { name: "Column options: Score" }).click();
  await page.getByRole("menuitem", { name: "Sort ascending" }).click();
  await expect.poll(names).toEqual(["Ada", "Olaf", "Linus"]);
  // Ada's score typed to 100 and Enter: the cell below (Olaf's) is active; Ada's row then moves
  // to the end and Olaf's up to the first row, and the active cell goes with Olaf.
  await page.locator("td[data-row='0'][data-col='1']").click();
  await page.keyboard.type("100");
  await page.keyboard.press("Enter");
  await expect.poll(names).toEqual(["Olaf", "Linus", "Ada"]);
  const active = page.locator("td[aria-selected='true']");
  await expect(active).toHaveCount(1);
  await expect(active).toHaveAttribute("data-row", "0");
  await expect(active).toHaveText("2");
  expect(errors).toEqual([]);
});
