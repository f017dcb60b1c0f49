import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { cellOf, createTable, watchErrors } from "./grid-support";

// Spend in the browser, against the provider replicas of the e2e stack: the estimate beside
// the Enrich button, the confirmation a run above the workspace's threshold asks for, the
// cost of a job in the jobs panel, cells a budget stopped, and the usage page.

const HUNTER = { providers: ["hunter.email-finder"], inputs: { fullName: "name", domain: "company_domain" } };

/** A table of people at everyone.test whose Email column looks them up on Hunter. */
async function hunterLeads(request: APIRequestContext, name: string, people: string[]) {
  const t = await createTable(
    request,
    name,
    [
      { key: "name", label: "Name" },
      { key: "company_domain", label: "Company domain" },
      { key: "email", label: "Email", dataType: "email" },
    ],
    people.map((person) => ({ name: person, company_domain: "everyone.test" })),
  );
  const email = t.columns.find((c) => c.key === "email")?.id as string;
  expect((await request.patch(`/api/tables/${t.id}/columns/${email}`, { data: { recipe: HUNTER } })).status()).toBe(
    200,
  );
  return { ...t, email };
}

test.afterEach(async ({ request }) => {
  // The demo workspace is shared by every spec: its budget settings go back to the defaults.
  await request.put("/api/workspace/budget", { data: { monthlyCredits: null, confirmThreshold: null } });
  await request.put("/api/workspace/prices", { data: { prices: { "pdl.person": null } } });
  await request.put("/api/workspace/provider-limits", {
    data: { rateLimits: { "pdl.person": null }, cacheTtlDays: { "pdl.person": null } },
  });
});

test("a run above the workspace's threshold asks first: cancel starts nothing, confirm runs it and the job shows its cost", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const tag = Date.now().toString(36);
  const t = await hunterLeads(
    request,
    "Costly leads",
    ["Ada", "Alan", "Grace", "Edsger"].map((first) => `${first} Confirm${tag}`),
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
  // The column is still selected: its estimate is asked for again once the job ended, and its
  // cells are answered from the cache now (it kept the figures of before the run).
  await expect(page.getByRole("status", { name: "Estimated cost" })).toContainText("≈ 0 credits");
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
  const t = await hunterLeads(
    request,
    "Budgeted leads",
    Array.from({ length: 6 }, (_, i) => `Person${i} Budget${tag}`),
  );
  const budget = await (await request.get("/api/workspace/budget")).json();
  const put = await request.put("/api/workspace/budget", {
    data: { monthlyCredits: budget.spentThisMonth + 2, confirmThreshold: 1 },
  });
  expect(put.status()).toBe(200);

  await page.goto(`/tables/${t.id}`);
  await page.getByRole("button", { name: "Column options: Email" }).click();
  await page.getByRole("menuitem", { name: "Enrich column (all rows)" }).click();
  // Asked first, and told that the budget will not cover it all.
  const dialog = page.getByRole("dialog", { name: "Run this enrichment?" });
  await expect(dialog.getByRole("alert")).toContainText("more than this month's budget has left");
  await dialog.getByRole("button", { name: "Run enrichment" }).click();
  const progress = page.getByRole("region", { name: "Enrichment progress" });
  await expect(progress).toContainText("2 done", { timeout: 30_000 });
  await expect(progress).toContainText("4 skipped");
  await expect(progress.getByText("Budget reached: remaining cells skipped")).toBeVisible();
  await expect(page.getByRole("grid").getByText("Budget reached", { exact: true })).toHaveCount(4);
  const skipped = await cellOf(page, `Person5 Budget${tag}`, "Email");
  await expect(skipped).toHaveAttribute("title", /budget reached/);
  await page.screenshot({ path: "test-results/screenshots/costs-budget-reached.png" });
  // Running the skipped cells spends credits too: priced and confirmed first, as Enrich is.
  await page.getByRole("button", { name: "Jobs" }).click();
  await page.getByRole("button", { name: "Run the cells the budget skipped" }).click();
  const again = page.getByRole("dialog", { name: "Run this enrichment?" });
  await expect(again).toBeVisible();
  await expect(again.getByRole("definition").first()).toHaveText("4");
  await again.getByRole("button", { name: "Cancel" }).click();
  await expect(again).toBeHidden();
  const jobs = await (await request.get(`/api/tables/${t.id}/enrich/jobs`)).json();
  expect(jobs.data).toHaveLength(1);
  expect(errors).toEqual([]);
});

test("a job's cap stopped it: running the cells it skipped asks first and says the retry keeps the cap", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const tag = Date.now().toString(36);
  const t = await hunterLeads(
    request,
    "Capped leads",
    Array.from({ length: 6 }, (_, i) => `Person${i} Capped${tag}`),
  );
  expect((await request.put("/api/workspace/budget", { data: { confirmThreshold: 0.5 } })).status()).toBe(200);
  const created = await request.post(`/api/tables/${t.id}/enrich`, {
    data: { columnIds: [t.email], rowIds: "all", maxCredits: 2 },
  });
  expect(created.status()).toBe(201);
  const { jobId } = await created.json();
  await expect
    .poll(async () => (await (await request.get(`/api/tables/${t.id}/enrich/jobs/${jobId}`)).json()).status, {
      timeout: 30_000,
    })
    .toBe("completed");
  await page.goto(`/tables/${t.id}`);
  await page.getByRole("button", { name: "Jobs" }).click();
  await page.getByRole("button", { name: "Run the cells the budget skipped" }).click();
  const dialog = page.getByRole("dialog", { name: "Run this enrichment?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("This run's cap")).toBeVisible();
  await expect(dialog).toContainText("This run's cap2");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
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
    page.getByRole("table", { name: "By job" }).getByRole("row", { name: /Costly leads · Email · job/ }),
  ).toBeVisible();
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
  await page.screenshot({ path: "test-results/screenshots/costs-usage.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("Settings → Spending: an admin sets the monthly budget and a provider's price, limit and cache; a budget below this month's spend is refused; Reset goes back to the defaults", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  await page.goto("/settings");
  const budget = page.getByRole("form", { name: "Budget" });
  await budget.getByLabel("Monthly budget (credits)").fill("1234");
  await budget.getByLabel("Ask before runs above (credits)").fill("50");
  await budget.getByRole("button", { name: "Save budget" }).click();
  await expect(budget).toContainText("left");
  await expect.poll(async () => (await (await request.get("/api/workspace/budget")).json()).monthlyCredits).toBe(1234);
  expect((await (await request.get("/api/workspace/budget")).json()).confirmThreshold).toBe(50);

  // Defaults are grey placeholders, not values that look set: Hunter's cache lifetime too.
  const hunterCache = page.getByRole("row", { name: "Hunter Email Finder" }).getByLabel(/cache days/);
  await expect(hunterCache).toHaveValue("");
  await expect(hunterCache).toHaveAttribute("placeholder", "30");
  // PDL: a price, a rate limit and a cache lifetime of this workspace's own.
  const pdl = page.getByRole("row", { name: "People Data Labs Person Enrichment" });
  await pdl.getByLabel(/credits per found result/).fill("2.5");
  await pdl.getByLabel(/calls per period/).fill("50");
  await pdl.getByLabel(/period in seconds/).fill("60");
  await pdl.getByLabel(/cache days/).fill("7");
  await pdl.getByRole("button", { name: "Save" }).click();
  await expect(pdl).toContainText("(changed)");
  const prices = (await (await request.get("/api/workspace/prices")).json()).data;
  const price = prices.find((p: { provider: string }) => p.provider === "pdl.person");
  expect(price).toMatchObject({ overridden: true, creditsPerFound: 2.5, creditsPerCall: price.default.creditsPerCall });
  // The row shows "(changed)" once the prices are saved; the limits are saved right after them.
  await expect
    .poll(async () =>
      (await (await request.get("/api/workspace/provider-limits")).json()).data.find(
        (l: { provider: string }) => l.provider === "pdl.person",
      ),
    )
    .toMatchObject({ rateLimit: { limit: 50, periodSeconds: 60 }, cacheTtlDays: 7 });

  // A budget below what is already spent this month is refused, with the API's own message:
  // one found email spends a credit first.
  const tag = Date.now().toString(36);
  const t = await hunterLeads(request, "Spent leads", [`Ada Spent${tag}`]);
  const job = await (await request.post(`/api/tables/${t.id}/enrich`, { data: { columnIds: [t.email] } })).json();
  await expect
    .poll(async () => (await (await request.get(`/api/tables/${t.id}/enrich/jobs/${job.jobId}`)).json()).status, {
      timeout: 30_000,
    })
    .toBe("completed");
  const spent = (await (await request.get("/api/workspace/budget")).json()).spentThisMonth as number;
  expect(spent).toBeGreaterThan(0);
  await budget.getByLabel("Monthly budget (credits)").fill(String(spent / 2));
  await budget.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByText("Could not save the budget")).toBeVisible();
  await expect(page.getByText(/must be at least what is already spent this month/)).toBeVisible();
  expect((await (await request.get("/api/workspace/budget")).json()).monthlyCredits).toBe(1234);

  await pdl.getByRole("button", { name: "Reset" }).click();
  await expect(pdl).not.toContainText("(changed)");
  const reset = (await (await request.get("/api/workspace/prices")).json()).data;
  expect(reset.find((p: { provider: string }) => p.provider === "pdl.person").overridden).toBe(false);
  await page.screenshot({ path: "test-results/screenshots/settings-spending.png", fullPage: true });
  // The refused budget (422) is the only error the browser reports.
  expect(errors.filter((e) => !e.includes("422"))).toEqual([]);
});
