import { expect, test as setup } from "@playwright/test";
import { credentials } from "./fixtures";

// Signs in through the sign-in page once; every other spec starts with this session.
setup("sign in as the demo account", async ({ page }) => {
  const { email, password } = credentials();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("link", { name: /Leads/ })).toBeVisible();
  await page.context().storageState({ path: ".glaze/e2e-auth.json" });
});
