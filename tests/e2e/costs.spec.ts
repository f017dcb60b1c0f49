import { expect, test } from "./fixtures";
import { cellOf, createTable, watchErrors } from "./grid-support";

// Spend in the browser, against the provider replicas of the e2e stack: the estimate beside
// the Enrich button, the confirmation a run above the workspace's threshold asks for, the
// cost of a job in the jobs panel, cells a budget stopped, and the usage page.

const HUNTER = { providers: ["hunter.email-finder"], inputs: { fullName: "name", domain: "company_domain" } };

test.afterEach(async ({ request }) => {
  // The demo workspace is shared by every spec: its budget settings go back to the defaults.
  await request.put("/api/workspace/budget", { data: { monthlyCredits: null, confirmThreshold: 100 } });
});

test("a run above the workspace's threshold asks first: cancel starts nothing, confirm runs it and the job shows its cost", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const tag = Date.now().toString(36);
  const t = await createTable(
    request,
    "Costly leads",
    [
      { key: "name", label: "Name" },
      { key: "company_domain", label: "Company domain" },
      { key: "email", label: "Email", dataType: "email" },
    ],
    ["Ada", "Alan", "Grace", "Edsger"].map((first) => ({
      name: `${first} Confirm${tag}`,
      company_domain: "everyone.test",
    })),
  );
  const email = t.columns.find((c) => c.key === "email")?.id as string;
  expect((await request.patch(`/api/tables/${t.id}/columns/${email}`, { data: { recipe: HUNTER } })).status()).toBe(
    200,
  );
  expect((await request.put("/api/workspace/budget", { data: { confirmThreshold: 1 } })).status()).toBe(200);

  await page.goto(`/tables/${t.id}`);
  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Enrich column (all rows)" }).click();
  const dialog = page.getByRole("dialog", { name: "Run this enrichment?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("more than this workspace's threshold of 1");
  await expect(dialog).toContainText("Hunter Email Finder");
  await expect(page.getByRole("status", { name: "Estimated cost" })).toContainText("credits");
  await page.screenshot({ path: "test-results/screenshots/costs-confirm.png" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  const none = await (await request.get(`/api/tables/${t.id}/enrich/jobs`)).json();
  expect(none.data).toHaveLength(0);

  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Enrich column (all rows)" }).click();
  await page
    .getByRole("dialog", { name: "Run this enrichment?" })
    .getByRole("button", { name: "Run enrichment" })
    .click();
  const progress = page.getByRole("region", { name: "Enrichment progress" });
  await expect(progress).toContainText("4 done", { timeout: 30_000 });
  await expect(progress).toContainText("4 credits");
  await page.getByRole("button", { name: "Jobs" }).click();
  await expect(page.getByRole("listitem", { name: /^Job of / }).first()).toContainText("4 credits");
  await page.screenshot({ path: "test-results/screenshots/costs-job-cost.png" });
  expect(errors).toEqual([]);
});

test("a monthly budget reached mid-run: the job says so and the grid marks the cells it skipped", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const tag = Date.now().toString(36);
  const t = await createTable(
    request,
    "Budgeted leads",
    [
      { key: "name", label: "Name" },
      { key: "company_domain", label: "Company domain" },
      { key: "email", label: "Email", dataType: "email" },
    ],
    Array.from({ length: 6 }, (_, i) => ({ name: `Person${i} Budget${tag}`, company_domain: "everyone.test" })),
  );
  const email = t.columns.find((c) => c.key === "email")?.id as string;
  await request.patch(`/api/tables/${t.id}/columns/${email}`, { data: { recipe: HUNTER } });
  const budget = await (await request.get("/api/workspace/budget")).json();
  const put = await request.put("/api/workspace/budget", { data: { monthlyCredits: budget.spentThisMonth + 2 } });
  expect(put.status()).toBe(200);

  await page.goto(`/tables/${t.id}`);
  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Enrich column (all rows)" }).click();
  const progress = page.getByRole("region", { name: "Enrichment progress" });
  await expect(progress).toContainText("2 done", { timeout: 30_000 });
  await expect(progress).toContainText("4 skipped");
  await expect(progress.getByText("Budget reached: remaining cells skipped")).toBeVisible();
  await expect(page.getByRole("grid").getByText("Budget reached", { exact: true })).toHaveCount(4);
  const skipped = await cellOf(page, `Person5 Budget${tag}`, "Email");
  await expect(skipped).toHaveAttribute("title", /budget reached/);
  await page.screenshot({ path: "test-results/screenshots/costs-budget-reached.png" });
  expect(errors).toEqual([]);
});

test("the usage page charts credits per provider per day and lists them by provider and by job", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/usage");
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Credits per provider per day" })).toBeVisible();
  await expect(
    page.getByRole("figure", { name: "Credits per provider per day" }).locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();
  const byProvider = page.getByRole("table", { name: "By provider" });
  await expect(byProvider.getByRole("row", { name: /Hunter Email Finder/ })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "By job" }).getByRole("row", { name: /Costly leads · job/ }),
  ).toBeVisible();
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
  await page.screenshot({ path: "test-results/screenshots/costs-usage.png", fullPage: true });
  expect(errors).toEqual([]);
});
