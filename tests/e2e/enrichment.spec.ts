import { expect, test } from "./fixtures";
import { cellOf, createTable, watchErrors } from "./grid-support";

// Real enrichment in the browser, against the provider replicas the e2e stack runs (demo
// mode): set up a column's provider waterfall, try it on 5 rows, then ask a cell why it
// holds its value.

test("column setup: a provider waterfall tried on 5 rows, then a value explained call by call", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const t = await createTable(
    request,
    "Prospects",
    [
      { key: "name", label: "Name" },
      { key: "company_domain", label: "Company domain" },
      { key: "email", label: "Email", dataType: "email" },
    ],
    [
      { name: "Ada Lovelace", company_domain: "everyone.test" },
      { name: "Alan Turing", company_domain: "everyone.test" },
      { name: "Grace Hopper", company_domain: "unknown.test" },
      { name: "Nobody Known", company_domain: null },
      { name: "Linus Torvalds", company_domain: "everyone.test" },
      { name: "Sixth Person", company_domain: "everyone.test" },
    ],
  );
  await page.goto(`/tables/${t.id}`);
  await expect(page.getByRole("status").filter({ hasText: "Demo mode: providers are local replicas" })).toBeVisible();

  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Set up enrichment…" }).click();
  const setup = page.getByRole("complementary", { name: "Enrichment setup: Email" });
  await expect(setup).toBeVisible();
  await expect(setup.getByLabel("Use Hunter Email Finder")).toBeChecked();
  await expect(setup.getByLabel("Column for Full name")).toHaveValue("name");
  await expect(setup.getByLabel("Column for Company domain")).toHaveValue("company_domain");
  await expect(setup.getByLabel("Field")).toHaveValue("email");
  // Apollo before PDL.
  await setup.getByRole("button", { name: "Move Apollo People Match up" }).click();
  const order = await setup
    .locator("li[data-provider]")
    .evaluateAll((items) => items.map((i) => i.getAttribute("data-provider")));
  expect(order.slice(0, 4)).toEqual(["hunter.email-finder", "apollo.people-match", "pdl.person", "llm"]);
  await setup.getByLabel("Threshold").fill("0.5");
  await page.screenshot({ path: "test-results/screenshots/enrichment-setup.png" });

  await setup.getByRole("button", { name: "Try on 5 rows" }).click();
  const trial = setup.getByRole("list", { name: "Trial results" });
  await expect(trial.getByRole("listitem")).toHaveCount(5);
  await expect(trial.locator("li[data-try-status=queued], li[data-try-status=running]")).toHaveCount(0, {
    timeout: 30_000,
  });
  await expect(trial.getByRole("listitem").filter({ hasText: "Nobody Known" })).toContainText(
    "missing input: company_domain",
  );
  await expect(trial.getByRole("listitem").filter({ hasText: "Ada Lovelace" })).toHaveAttribute(
    "data-try-status",
    "done",
  );
  await expect(trial.getByRole("listitem").filter({ hasText: "Grace Hopper" })).toHaveAttribute(
    "data-try-status",
    "failed",
  );
  // The sixth row was not part of the trial.
  await expect(trial.getByRole("listitem").filter({ hasText: "Sixth Person" })).toHaveCount(0);
  await page.screenshot({ path: "test-results/screenshots/enrichment-trial.png" });

  // The grid shows the values with their source, and a skipped cell says why.
  const ada = await cellOf(page, "Ada Lovelace", "Email");
  await expect(ada).toHaveAttribute("data-status", "done");
  await expect(ada).toHaveText(/@everyone\.test/);
  await expect(ada).toHaveAttribute("data-source", /^(hunter\.email-finder|apollo\.people-match|pdl\.person|llm)$/);
  await expect(ada.locator("[data-source-mark]")).toBeVisible();
  await expect(await cellOf(page, "Nobody Known", "Email")).toHaveAttribute("data-status", "skipped");
  await expect(await cellOf(page, "Sixth Person", "Email")).toHaveAttribute("data-status", "idle");

  await ada.click({ button: "right" });
  await page.getByRole("menuitem", { name: "Why this value?" }).click();
  const why = page.getByRole("complementary", { name: "Why this value?" });
  await expect(why).toBeVisible();
  await expect(why).toContainText("Source:");
  await expect(why.locator("li[data-call-outcome=found]").first()).toContainText("won:");
  // What Glaze charged, told apart from the provider's own units.
  await expect(why.getByTestId("call-charged").first()).toHaveText(/^(\d+ credits? charged|cached, not charged)$/);
  await expect(why).toContainText("Waterfall: hunter.email-finder → apollo.people-match → pdl.person → llm");
  await page.screenshot({ path: "test-results/screenshots/enrichment-why.png" });

  const grace = await cellOf(page, "Grace Hopper", "Email");
  await grace.click({ button: "right" });
  await page.getByRole("menuitem", { name: "Why this value?" }).click();
  await expect(why.locator("li[data-call-outcome=not_found]")).toHaveCount(4);
  // Its summary says how the last run ended, not "not enriched yet".
  await expect(why).toContainText("The last run failed");
  // Open, it follows the selection; Escape in it closes it.
  await (await cellOf(page, "Ada Lovelace", "Email")).click();
  await expect(why.locator("li[data-call-outcome=found]").first()).toBeVisible();
  await expect(why.getByRole("heading", { level: 2 })).toHaveText("Why this value? · Email");
  // From the grid, where one cell is selected: nothing to collapse, so the panel closes.
  await page.keyboard.press("Escape");
  await expect(why).toBeHidden();

  // Cleared, then undone: the value comes back as its run left it, with its source and confidence.
  const cleared = await cellOf(page, "Ada Lovelace", "Email");
  const found = await cleared.textContent();
  const title = await cleared.getAttribute("title");
  await cleared.click();
  await page.keyboard.press("Delete");
  await expect(cleared).toHaveAttribute("data-status", "idle");
  await page.keyboard.press("Control+z");
  await expect(cleared).toHaveAttribute("data-status", "done");
  await expect(cleared).toHaveText(found ?? "");
  await expect(cleared).toHaveAttribute("title", title ?? "");

  // Typed over, Ada's email is no provider's any more: plain in the grid, and the panel says so.
  await page.keyboard.press("Escape");
  await (await cellOf(page, "Ada Lovelace", "Email")).click();
  await page.keyboard.type("ada@typed.test");
  await page.keyboard.press("Enter");
  const typed = await cellOf(page, "Ada Lovelace", "Email");
  await expect(typed).toHaveText("ada@typed.test");
  await expect(typed).toHaveAttribute("data-status", "idle");
  await typed.click({ button: "right" });
  await page.getByRole("menuitem", { name: "Why this value?" }).click();
  await expect(why).toContainText(/Edited by hand; the last run found “[^”]*@everyone\.test”/);
  await expect(why).not.toContainText("Source:");
  expect(errors).toEqual([]);
});

test("enrich empty cells only: the column's cells that have a value are left as they are, not run or charged again", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Half filled",
    [
      { key: "name", label: "Name" },
      { key: "note", label: "Note" },
    ],
    [
      { name: "Ada", note: "kept as written" },
      { name: "Alan" },
      { name: "Grace", note: "also kept" },
      { name: "Edsger" },
      { name: "Barbara" },
    ],
  );
  await page.goto(`/tables/${table.id}`);
  await page.getByRole("button", { name: "Column options: Note" }).click();
  await page.getByRole("menuitem", { name: "Enrich empty cells only" }).click();
  await expect
    .poll(async () => (await cellOf(page, "Barbara", "Note")).textContent(), { timeout: 30_000 })
    .toMatch(/\S/);
  const jobs = (await (await request.get(`/api/tables/${table.id}/enrich/jobs`)).json()).data;
  expect(jobs).toHaveLength(1);
  expect(jobs[0].totalTasks).toBe(3);
  await expect
    .poll(async () => (await (await request.get(`/api/tables/${table.id}/enrich/jobs/${jobs[0].jobId}`)).json()).status)
    .toBe("completed");
  const rows = (await (await request.get(`/api/tables/${table.id}/rows`)).json()).data;
  const note = (name: string) => rows.find((r: { data: { name: string } }) => r.data.name === name).data.note;
  expect(note("Ada")).toBe("kept as written");
  expect(note("Grace")).toBe("also kept");
  for (const name of ["Alan", "Edsger", "Barbara"]) expect(note(name)).toBeTruthy();
  expect(errors).toEqual([]);
});
