import { expect, test } from "./fixtures";

test("home page lists Leads and opens its table page", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Demo workspace" })).toBeVisible();
  const link = page.getByRole("link", { name: /Leads/ });
  await expect(link).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/home.png", fullPage: true });
  await link.click();
  await expect(page.getByRole("heading", { name: "Leads" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/leads.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("unknown table shows a 404 page", async ({ page }) => {
  const response = await page.goto("/tables/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
