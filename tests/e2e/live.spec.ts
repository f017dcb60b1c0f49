import { type Browser, expect, type Page, test } from "@playwright/test";
import { cellOf, createTable, rowWith, watchErrors } from "./grid-support";

// Two people on one table: each tab follows the table's event stream, so what one does shows
// in the other without a reload or a poll.

test.describe.configure({ mode: "serial" });

type Tab = { page: Page; errors: string[]; polls: string[]; streams: string[] };

async function openTab(browser: Browser, tableId: string): Promise<Tab> {
  const page = await (await browser.newContext()).newPage();
  const tab: Tab = { page, errors: watchErrors(page), polls: [], streams: [] };
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith("/cells/status") || pathname.endsWith("/enrich/jobs")) tab.polls.push(pathname);
    if (pathname.endsWith("/events")) tab.streams.push(pathname);
  });
  await page.goto(`/tables/${tableId}`);
  await expect(rowWith(page, "Ada")).toBeVisible();
  return tab;
}

test("two tabs on one table: edits, a paste, a new column and an enrichment show in the other, live", async ({
  browser,
  request,
}) => {
  const table = await createTable(
    request,
    "Two tabs",
    [
      { key: "name", label: "Name" },
      { key: "city", label: "City" },
      { key: "email", label: "Email" },
    ],
    [
      { name: "Ada", city: "London" },
      { name: "Grace", city: "New York" },
    ],
  );
  const a = await openTab(browser, table.id);
  const b = await openTab(browser, table.id);
  const pollsBefore = b.polls.length;

  // An edit in A.
  const city = await cellOf(a.page, "Ada", "City");
  await city.dblclick();
  await a.page.getByRole("textbox", { name: "Edit City" }).fill("Paris");
  await a.page.keyboard.press("Enter");
  await expect(await cellOf(b.page, "Ada", "City")).toHaveText("Paris");

  // A paste in B shows in A.
  await (await cellOf(b.page, "Ada", "City")).click();
  await b.page.keyboard.press("Shift+ArrowDown");
  await b.page.getByRole("grid").evaluate((grid) => {
    const data = new DataTransfer();
    data.setData("text/plain", "Rome\nOslo\n");
    grid.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(await cellOf(a.page, "Ada", "City")).toHaveText("Rome");
  await expect(await cellOf(a.page, "Grace", "City")).toHaveText("Oslo");

  // A new column in A appears in B's header.
  await a.page.getByRole("button", { name: "+ Column" }).click();
  await a.page.getByRole("textbox", { name: "Column name" }).fill("Phone");
  await a.page.getByRole("form", { name: "Add column" }).getByRole("button", { name: "Add column" }).click();
  await expect(b.page.getByRole("columnheader", { name: /Phone/ })).toBeVisible();

  // An enrichment started in A colours the cells in both tabs.
  await (await cellOf(a.page, "Ada", "Email")).click();
  await (await cellOf(a.page, "Grace", "Email")).click({ modifiers: ["Shift"] });
  await a.page.getByRole("button", { name: "Enrich" }).click();
  for (const tab of [a, b]) {
    await expect(tab.page.locator("td[data-status=queued], td[data-status=running]").first()).toBeVisible();
  }
  await b.page.screenshot({ path: "test-results/screenshots/live-second-tab-enriching.png" });
  for (const tab of [a, b]) {
    for (const [name, row] of [
      ["Ada", table.rows[0]],
      ["Grace", table.rows[1]],
    ] as const) {
      const email = await cellOf(tab.page, name, "Email");
      await expect(email).toHaveAttribute("data-status", "done");
      await expect(email).toHaveText(`fake_${row.id}@example.com`);
    }
  }
  await expect(b.page.getByRole("region", { name: "Enrichment progress" })).toContainText("2 done");
  await b.page.screenshot({ path: "test-results/screenshots/live-second-tab-done.png" });

  // B followed all of it on its stream, without polling.
  expect(b.streams.length).toBeGreaterThan(0);
  expect(b.polls.length).toBe(pollsBefore);
  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
});

test("when the event stream is refused, the grid falls back to polling and still shows enrichment", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "No stream",
    [
      { key: "name", label: "Name" },
      { key: "email", label: "Email" },
    ],
    [{ name: "Ada" }],
  );
  await page.route("**/events*", (route) => route.fulfill({ status: 503, body: "" }));
  const polls: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.endsWith("/cells/status")) polls.push(r.url());
  });
  await page.goto(`/tables/${table.id}`);
  const email = await cellOf(page, "Ada", "Email");
  await email.click();
  await page.getByRole("button", { name: "Enrich" }).click();
  await expect(email).toHaveAttribute("data-status", "done");
  await expect(email).toHaveText(`fake_${table.rows[0].id}@example.com`);
  expect(polls.length).toBeGreaterThan(1);
  // The refused stream is the only error the browser reports.
  expect(errors.filter((e) => !e.includes("503"))).toEqual([]);
});
