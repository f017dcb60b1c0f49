import { demoValue } from "@/lib/enrichment/providers/demo-values";
import { expect, test } from "./fixtures";
import { type Created, cellOf, createTable, pasteIntoGrid, rowWith, watchErrors } from "./grid-support";

test.describe.configure({ mode: "serial" });

test("Leads: a 3 × 2 selection enriches in place, queued → done, other cells untouched", async ({ page, request }) => {
  const errors = watchErrors(page);
  const tables = await (await request.get("/api/tables?limit=200")).json();
  const leads = tables.data.find((t: { name: string }) => t.name === "Leads");
  const rows = (await (await request.get(`/api/tables/${leads.id}/rows?limit=10`)).json()).data as { id: string }[];

  await page.goto(`/tables/${leads.id}`);
  const grid = page.getByRole("grid", { name: "Leads" });
  await expect(grid).toBeVisible();
  await expect(rowWith(page, "Ada Lovelace")).toBeVisible();

  const names = ["Ada Lovelace", "Grace Hopper", "Alan Turing"];
  const targets = [];
  for (const name of names) {
    targets.push(await cellOf(page, name, "Email"), await cellOf(page, name, "Company"));
  }
  await targets[0].click();
  await targets[5].click({ modifiers: ["Shift"] });
  await expect(page.getByRole("toolbar").getByText("6 cells selected")).toBeVisible();
  for (const cell of targets) await expect(cell).toHaveAttribute("aria-selected", "true");

  // Record every status each of the six cells shows, however briefly.
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { seen: typeof seen }).seen = seen;
    const note = (el: Element) => {
      const id = el.id;
      const status = el.getAttribute("data-status") ?? "";
      seen[id] ??= [];
      if (seen[id].at(-1) !== status) seen[id].push(status);
    };
    new MutationObserver((records) => {
      for (const r of records) if (r.target instanceof Element && r.target.id.startsWith("cell-")) note(r.target);
    }).observe(document.body, { attributes: true, attributeFilter: ["data-status"], subtree: true });
  });

  await page.getByRole("button", { name: "Enrich" }).click();
  await expect(page.getByRole("region", { name: "Enrichment progress" })).toBeVisible();
  for (const cell of targets) await expect(cell).toHaveAttribute("data-status", /queued|running|done/);
  await expect(grid.locator("td[data-status=running], td[data-status=queued]").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/grid-enrich-running.png" });

  for (const [i, name] of names.entries()) {
    const rowId = rows[i].id;
    await expect(targets[i * 2]).toHaveAttribute("data-status", "done");
    await expect(targets[i * 2]).toHaveText(`fake_${rowId}@example.com`);
    await expect(targets[i * 2 + 1]).toHaveText(String(demoValue(rowId, "company").value));
    await expect(targets[i * 2 + 1]).toHaveAttribute("title", /Confidence \d+%/);
    await expect(rowWith(page, name).locator("[data-row-status]")).toHaveAttribute("data-row-status", "done");
  }
  await expect(page.getByRole("region", { name: "Enrichment progress" })).toContainText("6 done");
  await page.screenshot({ path: "test-results/screenshots/grid-enrich-done.png" });

  const seen = await page.evaluate(() => (window as unknown as { seen: Record<string, string[]> }).seen);
  for (const cell of targets) {
    const history = seen[(await cell.getAttribute("id")) ?? ""] ?? [];
    expect(history.at(-1)).toBe("done");
    expect(history.some((s) => s === "queued" || s === "running")).toBe(true);
  }
  // Untouched: the other rows' enrichable cells and the first rows' other columns.
  for (const name of ["Katherine Johnson", "Radia Perlman"]) {
    await expect(await cellOf(page, name, "Email")).toHaveAttribute("data-status", "idle");
    await expect(await cellOf(page, name, "Email")).toHaveText("");
  }
  await expect(await cellOf(page, "Ada Lovelace", "Title")).toHaveAttribute("data-status", "idle");
  expect(errors).toEqual([]);
});

test("a fail_ column turns red with its error on hover, and the row is ambiguous", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Failing provider",
    [
      { key: "name", label: "Name" },
      { key: "email", label: "Email" },
      { key: "fail_phone", label: "Phone" },
    ],
    [{ name: "Ada" }, { name: "Bob" }],
  );
  await page.goto(`/tables/${table.id}`);
  const email = await cellOf(page, "Ada", "Email");
  const phone = await cellOf(page, "Ada", "Phone");
  await email.click();
  await phone.click({ modifiers: ["Shift"] });
  await page.keyboard.press("ControlOrMeta+e");

  await expect(phone).toHaveAttribute("data-status", "failed");
  await expect(phone).toHaveAttribute("title", /No data found for "fail_phone"/);
  await expect(phone).toContainText("No data found");
  await expect(email).toHaveAttribute("data-status", "done");
  await expect(rowWith(page, "Ada").locator("[data-row-status]")).toHaveAttribute("data-row-status", "ambiguous");
  await expect(rowWith(page, "Bob").locator("[data-row-status]")).toHaveAttribute("data-row-status", "idle");
  await phone.hover();
  await page.screenshot({ path: "test-results/screenshots/grid-failed-cell.png" });
  expect(errors).toEqual([]);
});

test("editing a cell goes through the API and survives a reload; Escape cancels", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Editable",
    [
      { key: "name", label: "Name" },
      { key: "city", label: "City" },
    ],
    [
      { name: "Ada", city: "London" },
      { name: "Grace", city: "New York" },
    ],
  );
  await page.goto(`/tables/${table.id}`);
  const city = await cellOf(page, "Ada", "City");
  await city.dblclick();
  const editor = page.getByRole("textbox", { name: "Edit City" });
  await expect(editor).toHaveValue("London");
  await editor.fill("Paris");
  await editor.press("Enter");
  await expect(city).toHaveText("Paris");
  // Enter moved the focus down: typing replaces Grace's city, Escape throws it away.
  await page.keyboard.type("Rome");
  await expect(page.getByRole("textbox", { name: "Edit City" })).toHaveValue("Rome");
  await page.keyboard.press("Escape");
  await expect(await cellOf(page, "Grace", "City")).toHaveText("New York");

  await page.reload();
  await expect(await cellOf(page, "Ada", "City")).toHaveText("Paris");
  await expect(await cellOf(page, "Grace", "City")).toHaveText("New York");
  const row = await request.get(`/api/tables/${table.id}/rows/${table.rows[0].id}`);
  expect((await row.json()).data).toEqual({ name: "Ada", city: "Paris" });
  expect(errors).toEqual([]);
});

test("a value with line breaks keeps them through the editor; Shift+Enter adds one", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Multiline",
    [
      { key: "name", label: "Name" },
      { key: "note", label: "Note" },
    ],
    [{ name: "Ada", note: "line1\nline2" }],
  );
  const readNote = async () =>
    (await (await request.get(`/api/tables/${table.id}/rows/${table.rows[0].id}`)).json()).data.note;
  await page.goto(`/tables/${table.id}`);
  const note = await cellOf(page, "Ada", "Note");
  await note.dblclick();
  const editor = page.getByRole("textbox", { name: "Edit Note" });
  await expect(editor).toHaveValue("line1\nline2");
  // Committed unchanged: nothing is written, the line break stays.
  await editor.press("Enter");
  await expect(editor).toHaveCount(0);
  expect(await readNote()).toBe("line1\nline2");
  await note.dblclick();
  await editor.press("Shift+Enter");
  await editor.pressSequentially("line3");
  await editor.press("Enter");
  await expect.poll(readNote).toBe("line1\nline2\nline3");
  expect(errors).toEqual([]);
});

test.describe("in a browser far from UTC", () => {
  test.use({ timezoneId: "Pacific/Auckland" });

  test("typed columns show values as their filters read them and mark the others (number, boolean, date, url, email)", async ({
    page,
    request,
  }) => {
    const errors = watchErrors(page);
    const table = await createTable(
      request,
      "Numbers",
      [
        { key: "name", label: "Name" },
        { key: "size", label: "Size", dataType: "number" },
        { key: "active", label: "Active", dataType: "boolean" },
        { key: "seen", label: "Seen", dataType: "date" },
        { key: "site", label: "Site", dataType: "url" },
        { key: "mail", label: "Mail", dataType: "email" },
      ],
      [
        {
          name: "alpha",
          size: "1234.5",
          active: "TRUE",
          seen: "2024-05-01T23:00",
          site: "https://example.com/a",
          mail: "a@example.com",
        },
        { name: "bravo", size: "1,234", active: "yes", seen: "someday", site: "n/a", mail: "nobody" },
        { name: "charlie", size: 7, active: false, seen: "2024-05-01" },
      ],
    );
    await page.goto(`/tables/${table.id}`);
    await expect(await cellOf(page, "alpha", "Size")).toHaveText("1,234.5");
    await expect((await cellOf(page, "alpha", "Size")).locator("[data-not-a-number]")).toHaveCount(0);
    const text = (await cellOf(page, "bravo", "Size")).locator("[data-not-a-number]");
    await expect(text).toHaveText("1,234");
    await expect(text).toHaveAttribute("title", /Not a number/);
    await expect(await cellOf(page, "charlie", "Size")).toHaveText("7");
    // Booleans and dates read as their filters read them: "yes" is neither true nor false; a
    // time without an offset is UTC whatever the browser's zone.
    await expect(await cellOf(page, "alpha", "Active")).toHaveText("✓ Yes");
    await expect((await cellOf(page, "bravo", "Active")).locator("[data-not-a-boolean]")).toHaveText("yes");
    await expect(await cellOf(page, "charlie", "Active")).toHaveText("✗ No");
    await expect(await cellOf(page, "alpha", "Seen")).toHaveText("May 1, 2024, 23:00 UTC");
    await expect((await cellOf(page, "bravo", "Seen")).locator("[data-not-a-date]")).toHaveText("someday");
    await expect(await cellOf(page, "charlie", "Seen")).toHaveText("May 1, 2024");
    // A web address is shown without its scheme; text that is no address (or no email) is marked.
    await expect(await cellOf(page, "alpha", "Site")).toHaveText("example.com/a");
    await expect((await cellOf(page, "alpha", "Site")).locator("[data-not-a-url]")).toHaveCount(0);
    await expect((await cellOf(page, "bravo", "Site")).locator("[data-not-a-url]")).toHaveText("n/a");
    await expect((await cellOf(page, "alpha", "Mail")).locator("[data-not-a-email]")).toHaveCount(0);
    await expect((await cellOf(page, "bravo", "Mail")).locator("[data-not-a-email]")).toHaveText("nobody");
    expect(errors).toEqual([]);
  });
});

test("a paste past the last row adds rows for its lines and says which columns it left out", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Paste past the end",
    [
      { key: "name", label: "Name" },
      { key: "note", label: "Note" },
    ],
    [{ name: "r1" }, { name: "r2" }],
  );
  await page.goto(`/tables/${table.id}`);
  await (await cellOf(page, "r2", "Name")).click();
  await pasteIntoGrid(page, "r2b\tn2\textra\nr3\tn3\textra\nr4\t\textra\n");
  const toast = page.getByRole("status").filter({ hasText: "Pasted into 1 row and added 2 rows" });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText("1 pasted column was past the last column and left out.");
  await expect(await cellOf(page, "r2b", "Note")).toHaveText("n2");
  await expect(await cellOf(page, "r3", "Note")).toHaveText("n3");
  await expect(rowWith(page, "r4")).toHaveCount(1);
  await expect(page.getByText("4 rows · 2 columns")).toBeVisible();
  const rows = await (await request.get(`/api/tables/${table.id}/rows`)).json();
  expect(rows.data.map((r: { data: Record<string, string> }) => r.data)).toEqual([
    { name: "r1" },
    { name: "r2b", note: "n2" },
    { name: "r3", note: "n3" },
    { name: "r4" },
  ]);
  expect(errors).toEqual([]);
});

test("Ctrl+Z undoes typing and a paste (its added rows too), Ctrl+Shift+Z redoes", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Undo",
    [
      { key: "name", label: "Name" },
      { key: "note", label: "Note" },
    ],
    [{ name: "u1", note: "keep" }, { name: "u2" }],
  );
  await page.goto(`/tables/${table.id}`);
  await (await cellOf(page, "u1", "Note")).click();
  await page.keyboard.type("typed");
  await page.keyboard.press("Enter");
  await expect(await cellOf(page, "u1", "Note")).toHaveText("typed");
  await (await cellOf(page, "u2", "Name")).click();
  await pasteIntoGrid(page, "u2b\tn2\nu3\tn3\n");
  await expect(rowWith(page, "u3")).toHaveCount(1);

  await page.keyboard.press("ControlOrMeta+z");
  await expect(page.getByRole("status").filter({ hasText: "Undid: Pasted into 1 row and added 1 row" })).toBeVisible();
  await expect(rowWith(page, "u3")).toHaveCount(0);
  await expect(await cellOf(page, "u2", "Note")).toHaveText("");
  await page.keyboard.press("ControlOrMeta+z");
  await expect(await cellOf(page, "u1", "Note")).toHaveText("keep");
  await page.keyboard.press("ControlOrMeta+z");
  await expect(page.getByRole("status").filter({ hasText: "Nothing to undo" })).toBeVisible();

  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(await cellOf(page, "u1", "Note")).toHaveText("typed");
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(rowWith(page, "u3")).toHaveCount(1);
  const rows = await (await request.get(`/api/tables/${table.id}/rows`)).json();
  expect(rows.data.map((r: { data: Record<string, string> }) => r.data)).toEqual([
    { name: "u1", note: "typed" },
    { name: "u2b", note: "n2" },
    { name: "u3", note: "n3" },
  ]);
  expect(errors).toEqual([]);
});

test("Ctrl+Z pressed while the last edit is still saving undoes that edit, not the one before", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Undo in flight",
    [
      { key: "name", label: "Name" },
      { key: "note", label: "Note" },
    ],
    [{ name: "f1" }, { name: "f2" }],
  );
  await page.goto(`/tables/${table.id}`);
  await (await cellOf(page, "f1", "Note")).click();
  await page.keyboard.type("first");
  await page.keyboard.press("Enter");
  await expect
    .poll(async () => (await (await request.get(`/api/tables/${table.id}/rows`)).json()).data[0].data.note)
    .toBe("first");
  // The next save takes a second (a slow network): Ctrl+Z comes while it is on its way.
  await page.route(`**/api/tables/${table.id}/rows/*`, async (route) => {
    if (route.request().method() === "PATCH") await new Promise((resolve) => setTimeout(resolve, 1_000));
    await route.continue();
  });
  await (await cellOf(page, "f2", "Note")).click();
  await page.keyboard.type("second");
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+z");
  await expect(page.getByRole("status").filter({ hasText: "Undid: Edited 1 row" })).toBeVisible();
  await expect(await cellOf(page, "f2", "Note")).toHaveText("");
  await expect(await cellOf(page, "f1", "Note")).toHaveText("first");
  const rows = await (await request.get(`/api/tables/${table.id}/rows`)).json();
  expect(rows.data.map((r: { data: Record<string, string | null> }) => r.data.note ?? null)).toEqual(["first", null]);
  expect(errors).toEqual([]);
});

test("keyboard selection, paste of a tab-separated block, rows and columns", async ({ page, request }) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Keyboard",
    [
      { key: "name", label: "Name" },
      { key: "note", label: "Note" },
    ],
    [{ name: "r1" }, { name: "r2" }, { name: "r3" }],
  );
  await page.goto(`/tables/${table.id}`);
  // Tab moves to the next cell, Shift+Tab back, across the end of a row.
  await (await cellOf(page, "r1", "Name")).click();
  await page.keyboard.press("Tab");
  await page.keyboard.type("tabbed");
  await page.keyboard.press("Enter");
  await expect(await cellOf(page, "r1", "Note")).toHaveText("tabbed");
  await (await cellOf(page, "r2", "Name")).click();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.type("back");
  await page.keyboard.press("Enter");
  await expect(await cellOf(page, "r1", "Note")).toHaveText("back");
  await (await cellOf(page, "r1", "Name")).click();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowDown");
  await expect(page.getByRole("toolbar").getByText("2 cells selected")).toBeVisible();
  await pasteIntoGrid(page, "first\nsecond\n");
  await expect(await cellOf(page, "r1", "Note")).toHaveText("first");
  await expect(await cellOf(page, "r2", "Note")).toHaveText("second");

  await page.getByRole("button", { name: "+ Column" }).click();
  await page.getByRole("textbox", { name: "Column name" }).fill("Job Title");
  await expect(page.getByRole("textbox", { name: "Key" })).toHaveValue("job_title");
  await page.getByRole("form", { name: "Add column" }).getByRole("button", { name: "Add column" }).click();
  await expect(page.getByRole("columnheader", { name: /Job Title/ })).toBeVisible();

  await page.getByRole("button", { name: "Column options: Job Title" }).click();
  await page.getByRole("menuitem", { name: "Rename…" }).click();
  await page.getByRole("textbox", { name: "Column name" }).fill("Role");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("columnheader", { name: /Role/ })).toBeVisible();
  await page.getByRole("button", { name: "Column options: Role" }).click();
  await page.getByRole("menuitem", { name: "Move left" }).click();
  await expect(page.getByRole("columnheader").nth(2)).toContainText("Role");

  // Drag from r1's Name to r2's Note selects 2 rows × 3 columns (Role sits between); Ctrl/Cmd+click adds a cell.
  const from = await (await cellOf(page, "r1", "Name")).boundingBox();
  const to = await (await cellOf(page, "r2", "Note")).boundingBox();
  if (!from || !to) throw new Error("cells are not on screen");
  await page.mouse.move(from.x + 10, from.y + 10);
  await page.mouse.down();
  await page.mouse.move(to.x + 10, to.y + 10, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByRole("toolbar").getByText("6 cells selected")).toBeVisible();
  await (await cellOf(page, "r3", "Note")).click({ modifiers: ["ControlOrMeta"] });
  await expect(page.getByRole("toolbar").getByText("7 cells selected")).toBeVisible();

  await page.getByRole("button", { name: "+ Row" }).click();
  await expect(page.getByRole("grid").getByRole("row")).toHaveCount(5);
  await (await cellOf(page, "r3", "Name")).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Delete 1 row…" }).click();
  // The first click only asks: the row is still there.
  await expect(rowWith(page, "r3")).toHaveCount(1);
  await page.getByRole("menuitem", { name: "Confirm: delete 1 row and its values" }).click();
  await expect(rowWith(page, "r3")).toHaveCount(0);
  // A deletion is undone from its notice, or with Ctrl/Cmd+Z, and redone: the row comes back in its place.
  const notice = page.getByRole("status").filter({ hasText: "Deleted 1 row" });
  await notice.getByRole("button", { name: "Undo" }).click();
  await expect(rowWith(page, "r3")).toHaveCount(1);
  await expect(page.getByRole("grid").getByRole("row").nth(3)).toContainText("r3");
  await (await cellOf(page, "r1", "Name")).click();
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(rowWith(page, "r3")).toHaveCount(0);
  await page.keyboard.press("ControlOrMeta+z");
  await expect(rowWith(page, "r3")).toHaveCount(1);
  await expect(page.getByRole("status").filter({ hasText: "Undid: Deleted 1 row" })).toBeVisible();
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(rowWith(page, "r3")).toHaveCount(0);

  await page.reload();
  await expect(page.getByRole("columnheader").nth(2)).toContainText("Role");
  await page.getByRole("button", { name: "Column options: Role" }).click();
  await page.getByRole("menuitem", { name: "Delete column…" }).click();
  await page.getByRole("menuitem", { name: /Confirm: delete “Role”/ }).click();
  await expect(page.getByRole("columnheader", { name: /Role/ })).toHaveCount(0);
  await expect(await cellOf(page, "r2", "Note")).toHaveText("second");
  await expect(rowWith(page, "r3")).toHaveCount(0);
  await expect(page.getByRole("grid").getByRole("row")).toHaveCount(4);
  expect(errors).toEqual([]);
});

test("an empty table: Add a row selects the new row, and what is typed next goes into it", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const created = await request.post("/api/tables", {
    data: {
      name: "Empty start",
      columns: [
        { key: "name", label: "Name" },
        { key: "email", label: "Email" },
      ],
    },
  });
  expect(created.status()).toBe(201);
  const table = await created.json();
  await page.goto(`/tables/${table.id}`);
  await page.getByRole("button", { name: "Add a row" }).click();
  // The focus moves into the grid, on the new row's first cell: the space does not press the
  // button again (it added a second row), and the typing goes into the cell.
  await expect(page.getByRole("grid")).toBeFocused();
  await page.keyboard.type("Ada Lovelace");
  await page.keyboard.press("Tab");
  await page.keyboard.type("ada@analytical.io");
  await page.keyboard.press("Enter");
  await expect(await cellOf(page, "Ada Lovelace", "Name")).toHaveText("Ada Lovelace");
  await expect(await cellOf(page, "Ada Lovelace", "Email")).toHaveText("ada@analytical.io");
  await expect(page.getByRole("grid").getByRole("row")).toHaveCount(2);
  await expect
    .poll(async () =>
      (await (await request.get(`/api/tables/${table.id}/rows`)).json()).data.map(
        (r: Created["rows"][number]) => r.data,
      ),
    )
    .toEqual([{ name: "Ada Lovelace", email: "ada@analytical.io" }]);
  expect(errors).toEqual([]);
});

test("a filtered view: deleting its rows empties it, and undoing the deletion brings them back into it", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Undo in a view",
    [
      { key: "name", label: "Name" },
      { key: "city", label: "City" },
    ],
    [
      { name: "Amélie", city: "Paris" },
      { name: "Bruno", city: "Berlin" },
      { name: "Chloé", city: "Paris" },
      { name: "Dieter", city: "Berlin" },
    ],
  );
  const view = await request.post(`/api/tables/${table.id}/views`, {
    data: { name: "Paris only", filter: { column: "city", op: "eq", value: "Paris" } },
  });
  expect(view.status()).toBe(201);
  await page.goto(`/tables/${table.id}?view=${(await view.json()).id}`);
  await expect(page.getByRole("grid").getByRole("row")).toHaveCount(3);
  await (await cellOf(page, "Amélie", "Name")).click();
  await page.keyboard.press("ControlOrMeta+a");
  await (await cellOf(page, "Chloé", "Name")).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Delete 2 rows…" }).click();
  await page.getByRole("menuitem", { name: "Confirm: delete 2 rows and their values" }).click();
  await expect(page.getByRole("heading", { name: "No rows match this view" })).toBeVisible();
  await page.getByRole("status").filter({ hasText: "Deleted 2 rows" }).getByRole("button", { name: "Undo" }).click();
  // The empty view had no window on screen to read again: its count is read afresh.
  await expect(rowWith(page, "Amélie")).toHaveCount(1);
  await expect(rowWith(page, "Chloé")).toHaveCount(1);
  await expect(page.getByRole("grid").getByRole("row")).toHaveCount(3);
  expect(errors).toEqual([]);
});

const columnIdOf = (table: Created, key: string) => table.columns.find((c) => c.key === key)?.id as string;

test("the jobs panel lists jobs, shows tasks, and cancels a running job; a job's failed cells are retried once", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  // 100 cells: one step per cell, 4 at a time, 400 ms each: ~10 s of work to cancel midway.
  const rows = Array.from({ length: 100 }, (_, i) => ({ name: `Lead ${i + 1}` }));
  const table = await createTable(
    request,
    "Long job",
    [
      { key: "name", label: "Name" },
      { key: "email", label: "Email" },
      { key: "fail_phone", label: "Phone" },
    ],
    rows,
  );
  await page.goto(`/tables/${table.id}`);
  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Enrich column (all rows)" }).click();
  await page.getByRole("button", { name: /^Jobs/ }).click();
  const panel = page.getByRole("complementary", { name: "Jobs" });
  const job = panel.getByRole("listitem").first();
  await expect(job).toContainText("100 cells");
  await expect(job.getByText("Columns: Email", { exact: true })).toBeVisible();
  await job.getByRole("button", { name: "Show tasks" }).click();
  await expect(job.getByRole("list", { name: "Tasks" }).getByRole("listitem").first()).toBeVisible();
  await job.getByRole("button", { name: "Cancel job" }).click();
  await expect(job.locator("[data-job-status]").first()).toHaveAttribute("data-job-status", "cancelled");
  await job.getByRole("tab", { name: "failed" }).click();
  const tasks = job.getByRole("list", { name: "Tasks" });
  await expect(tasks.locator("[data-task-status=failed]").first()).toContainText("cancelled");
  await expect(tasks.locator("[data-task-status]:not([data-task-status=failed])")).toHaveCount(0);
  // Cancelled cells did not fail: they say "Cancelled" without red, no row turns red, and the
  // job offers no retry of them. Cells run in row order, so the cancelled ones are the last
  // rows: however many ran before the cancel (a slow machine runs more), they are in view at
  // the end of the grid.
  await expect(job).toContainText(/0 failed, [\d,]+ cancelled/);
  await page.getByRole("grid").hover();
  await page.mouse.wheel(0, 10_000);
  await expect(rowWith(page, "Lead 100")).toBeVisible();
  const last = await cellOf(page, "Lead 100", "Email");
  await expect(last).toHaveAttribute("data-status", "cancelled");
  await expect(last).toHaveText("Cancelled");
  await expect(page.getByRole("grid").locator("td[data-status=failed]")).toHaveCount(0);
  await expect(job.getByRole("button", { name: /Retry \d+ failed cells?/ })).toHaveCount(0);
  await page.screenshot({ path: "test-results/screenshots/grid-jobs-panel.png" });

  // A job whose cells failed for real (a fail_ column) offers their retry, once.
  const failing = await request.post(`/api/tables/${table.id}/enrich`, {
    data: { cellIds: table.rows.slice(0, 3).map((r) => ({ rowId: r.id, columnId: columnIdOf(table, "fail_phone") })) },
  });
  expect(failing.status()).toBe(201);
  const failed = panel.locator(`li[data-job-id="${(await failing.json()).jobId}"]`);
  await expect(failed.getByRole("button", { name: "Retry 3 failed cells" })).toBeVisible({ timeout: 30_000 });
  await failed.getByRole("button", { name: "Retry 3 failed cells" }).click();
  await expect(panel.locator("li[data-job-id]")).toHaveCount(3);
  await expect(failed.getByRole("button", { name: /Retry \d+ failed cells?/ })).toHaveCount(0);
  // Nor after a reload: the job itself says it was retried.
  await page.reload();
  await page.getByRole("button", { name: /^Jobs/ }).click();
  await expect(panel.locator("li[data-job-id]")).toHaveCount(3);
  await expect(failed.getByRole("button", { name: /Retry \d+ failed cells?/ })).toHaveCount(0);
  // The retry's cells failed again: it offers their retry, until a new run of the same cells
  // leaves it nothing to retry (its button answered 409 when clicked); the new run offers it.
  const retryJob = panel.locator("li[data-job-id]").first();
  await expect(retryJob.getByRole("button", { name: "Retry 3 failed cells" })).toBeVisible({ timeout: 30_000 });
  const retryJobId = await retryJob.getAttribute("data-job-id");
  const again = await request.post(`/api/tables/${table.id}/enrich`, {
    data: { cellIds: table.rows.slice(0, 3).map((r) => ({ rowId: r.id, columnId: columnIdOf(table, "fail_phone") })) },
  });
  const newest = panel.locator(`li[data-job-id="${(await again.json()).jobId}"]`);
  await expect(newest.getByRole("button", { name: "Retry 3 failed cells" })).toBeVisible({ timeout: 30_000 });
  await expect(
    panel.locator(`li[data-job-id="${retryJobId}"]`).getByRole("button", { name: /Retry \d+ failed cells?/ }),
  ).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a column added to a wide table is scrolled into view", async ({ page, request }) => {
  const errors = watchErrors(page);
  const keys = Array.from({ length: 16 }, (_, i) => `field_${i + 1}`);
  const table = await createTable(
    request,
    "Wide table",
    keys.map((key) => ({ key, label: key.replace("_", " ") })),
    [Object.fromEntries(keys.map((key) => [key, `${key} value`]))],
  );
  await page.goto(`/tables/${table.id}`);
  await expect(page.getByRole("columnheader", { name: /field 1$/ })).toBeInViewport();
  await page.getByRole("button", { name: "+ Column" }).click();
  // A key the table has is said at the field, before anything is sent.
  await page.getByRole("textbox", { name: "Column name" }).fill("Field 3");
  await expect(
    page.getByRole("alert").filter({ hasText: "A column with the key “field_3” already exists" }),
  ).toBeVisible();
  await expect(
    page.getByRole("form", { name: "Add column" }).getByRole("button", { name: "Add column" }),
  ).toBeDisabled();
  await page.getByRole("textbox", { name: "Column name" }).fill("Far Right");
  await page.getByRole("form", { name: "Add column" }).getByRole("button", { name: "Add column" }).click();
  await expect(page.getByRole("columnheader", { name: /Far Right/ })).toBeInViewport();
  // The first column stays beside the row numbers, over the columns scrolled under it.
  const scroller = page.getByRole("grid").locator("xpath=..");
  expect(await scroller.evaluate((element) => element.scrollLeft)).toBeGreaterThan(1_000);
  const frozen = [page.getByRole("columnheader", { name: /field 1$/ }), rowWith(page, "field_1 value").locator("td")];
  for (const element of frozen) {
    await expect(element.first()).toHaveAttribute("data-frozen", "");
    const box = await element.first().boundingBox();
    if (!box) throw new Error("the frozen column is not shown");
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x, y)?.closest("[data-col]")?.getAttribute("data-col"),
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    expect(hit).toBe("0");
  }
  // Arrow keys from it bring the next column into view right of it, not under it.
  await rowWith(page, "field_1 value").locator("td").first().click();
  await page.keyboard.press("ArrowRight");
  const second = rowWith(page, "field_1 value").locator('td[data-col="1"]');
  await expect(second).toHaveAttribute("aria-selected", "true");
  await expect
    .poll(async () => {
      const [a, b] = await Promise.all([frozen[1].first().boundingBox(), second.boundingBox()]);
      return a && b ? Math.round(b.x - (a.x + a.width)) : null;
    })
    .toBeGreaterThanOrEqual(0);
  await page.keyboard.press("End");
  await page.screenshot({ path: "test-results/screenshots/grid-frozen-column.png" });
  // Tab out of an edit of the frozen column brings the next cell into view as well.
  const row = page.getByRole("grid").locator("tr:has(th[data-row='0'])");
  await row.locator("td[data-frozen]").click();
  await page.keyboard.type("edited");
  await page.keyboard.press("Tab");
  await expect(row.locator("td[data-frozen]")).toHaveText("edited");
  await expect(row.locator('td[data-col="1"]')).toHaveAttribute("aria-selected", "true");
  await expect(row.locator('td[data-col="1"]')).toBeInViewport();
  expect(errors).toEqual([]);
});
