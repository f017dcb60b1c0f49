import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { watchErrors } from "./grid-support";

// Two people who start with nothing: one signs up, makes a workspace and a table, invites the
// other as a viewer by link; the viewer joins through the link, sees the table read-only, and
// signs out. The page is what a person sees; no API shortcuts.

test.use({ storageState: { cookies: [], origins: [] } });

const stamp = Date.now();
const ownerEmail = `owner-${stamp}@test.glaze`;
const viewerEmail = `viewer-${stamp}@test.glaze`;
const password = "a long enough password";

async function freshPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

test("sign up, create a workspace, invite a viewer by link; the viewer joins, cannot edit or enrich, signs out", async ({
  browser,
}) => {
  // Two people, two browser contexts, a dozen pages: longer than one grid test.
  test.setTimeout(180_000);
  const owner = await freshPage(browser);
  await owner.page.goto("/");
  await expect(owner.page).toHaveURL(/\/sign-in\?next=%2F/);
  await owner.page.getByRole("link", { name: "Sign up" }).click();
  await owner.page.getByLabel("Name").fill("Olivia Owner");
  await owner.page.getByLabel("Email").fill(ownerEmail);
  await owner.page.getByLabel(/Password/).fill(password);
  await owner.page.getByRole("button", { name: "Sign up" }).click();
  await expect(owner.page.getByText("You are not in a workspace yet")).toBeVisible();

  const firstWorkspace = owner.page.getByRole("form", { name: "Your first workspace" });
  await firstWorkspace.getByRole("textbox", { name: "Workspace name" }).fill("Northwind Sales");
  await firstWorkspace.getByRole("button", { name: "Create workspace" }).click();
  await expect(owner.page.getByRole("heading", { name: "Northwind Sales" })).toBeVisible();
  await owner.page.getByRole("textbox", { name: "New table name" }).fill("Prospects");
  await owner.page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(owner.page.getByRole("heading", { name: "Prospects" })).toBeVisible();
  await owner.page.getByRole("button", { name: "+ Row" }).click();
  await expect(owner.page.getByText("1 row · 1 column")).toBeVisible();

  await owner.page.getByRole("link", { name: "Workspace settings" }).click();
  await owner.page.getByRole("textbox", { name: "Email to invite" }).fill(viewerEmail);
  await owner.page.getByRole("combobox", { name: "Role" }).selectOption("viewer");
  await owner.page.getByRole("button", { name: "Create invitation link" }).click();
  const link = await owner.page.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/[0-9a-f-]{36}$/);
  await owner.page.screenshot({ path: "test-results/screenshots/workspace-settings.png", fullPage: true });

  const viewer = await freshPage(browser);
  await viewer.page.goto(new URL(link as string).pathname);
  await expect(viewer.page.getByRole("heading", { name: "Join Northwind Sales" })).toBeVisible();
  await viewer.page.getByRole("link", { name: `Sign up as ${viewerEmail}` }).click();
  await expect(viewer.page.getByLabel("Email")).toHaveValue(viewerEmail);
  await viewer.page.getByLabel("Name").fill("Victor Viewer");
  await viewer.page.getByLabel(/Password/).fill(password);
  await viewer.page.getByRole("button", { name: "Sign up" }).click();
  await viewer.page.getByRole("button", { name: "Join Northwind Sales" }).click();
  await expect(viewer.page.getByRole("heading", { name: "Northwind Sales" })).toBeVisible();
  // A viewer cannot create tables.
  await expect(viewer.page.getByRole("textbox", { name: "New table name" })).toHaveCount(0);

  await viewer.page.getByRole("link", { name: /Prospects/ }).click();
  await expect(viewer.page.getByRole("grid", { name: "Prospects" })).toBeVisible();
  await expect(viewer.page.getByText("Read only")).toBeVisible();
  await expect(viewer.page.getByRole("button", { name: /Enrich/ })).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: "+ Row" })).toHaveCount(0);
  const cell = viewer.page.getByRole("grid").getByRole("gridcell").first();
  await cell.dblclick();
  await expect(viewer.page.getByRole("textbox", { name: /Edit/ })).toHaveCount(0);
  await viewer.page.screenshot({ path: "test-results/screenshots/viewer-read-only.png", fullPage: true });

  // Made a member, the person edits; demoted while the grid is open, their next edit is refused
  // and the grid turns read-only by itself (it kept offering what the role no longer allows).
  const workspaceList = (await (await owner.page.request.get("/api/workspaces")).json()) as {
    data: { id: string; name: string }[];
  };
  const northwindId = workspaceList.data.find((w) => w.name === "Northwind Sales")?.id;
  const memberList = (await (await owner.page.request.get(`/api/workspaces/${northwindId}/members`)).json()) as {
    data: { id: string; email: string }[];
  };
  const viewerMember = memberList.data.find((m) => m.email === viewerEmail)?.id;
  const setRole = async (role: string) => {
    const res = await owner.page.request.patch(`/api/workspaces/${northwindId}/members/${viewerMember}`, {
      data: { role },
      headers: { origin: new URL(owner.page.url()).origin },
    });
    expect(res.status()).toBe(200);
  };
  await setRole("member");
  await viewer.page.reload();
  await expect(viewer.page.getByRole("button", { name: "+ Row" })).toBeVisible();
  await setRole("viewer");
  // A click before the reloaded page is hydrated selects nothing: click until the cell is selected.
  const firstCell = viewer.page.getByRole("grid").getByRole("gridcell").first();
  await expect(async () => {
    await firstCell.click();
    await expect(viewer.page.getByRole("toolbar").getByText("1 cell selected")).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await viewer.page.keyboard.type("Refused");
  await viewer.page.keyboard.press("Enter");
  await expect(viewer.page.getByText("Read only")).toBeVisible();
  await expect(viewer.page.getByRole("button", { name: "+ Row" })).toHaveCount(0);
  // The refused save is the one error the browser logged.
  const refused = viewer.errors.filter((e) => e.includes("status of 403"));
  expect(refused.length).toBeGreaterThan(0);
  viewer.errors.splice(0, viewer.errors.length, ...viewer.errors.filter((e) => !refused.includes(e)));

  // The viewer leaves the workspace from its settings (there was no way to in the app): they
  // are in no workspace then, and the app asks them to make one.
  await viewer.page.goto("/settings");
  const self = viewer.page.getByRole("listitem").filter({ hasText: viewerEmail });
  await self.getByRole("button", { name: "Leave…" }).click();
  await self.getByRole("button", { name: /^Confirm: leave this workspace/ }).click();
  await expect(viewer.page).toHaveURL(/\/$/);
  await expect(viewer.page.getByRole("heading", { name: "Create your workspace" })).toBeVisible();
  const workspaces = (await (await owner.page.request.get("/api/workspaces")).json()) as {
    data: { id: string; name: string }[];
  };
  const northwind = workspaces.data.find((w) => w.name === "Northwind Sales")?.id;
  const members = await owner.page.request.get(`/api/workspaces/${northwind}/members`);
  expect(JSON.stringify(await members.json())).not.toContain(viewerEmail);

  await viewer.page.getByRole("button", { name: "Sign out" }).click();
  await expect(viewer.page).toHaveURL(/\/sign-in/);
  await viewer.page.goto("/");
  await expect(viewer.page).toHaveURL(/\/sign-in/);

  // The owner renames the workspace from its settings; the header's workspace menu follows.
  await owner.page.getByRole("button", { name: "Rename", exact: true }).click();
  const rename = owner.page.getByRole("form", { name: "Rename workspace" });
  await expect(rename.getByRole("textbox", { name: "Workspace name" })).toBeFocused();
  await rename.getByRole("textbox", { name: "Workspace name" }).fill("Northwind Sales EU");
  await rename.getByRole("button", { name: "Save" }).click();
  await expect(owner.page.getByRole("heading", { name: "Northwind Sales EU" })).toBeVisible();
  await expect(owner.page.getByRole("banner").locator("select option:checked")).toHaveText("Northwind Sales EU");

  expect(owner.errors).toEqual([]);
  expect(viewer.errors).toEqual([]);
});

test("two tabs: switching workspace in one leaves the other working in the workspace it shows", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext();
  const one = await context.newPage();
  const errors = watchErrors(one);
  await one.goto("/sign-up");
  await one.getByLabel("Name").fill("Tabitha Two-Tabs");
  await one.getByLabel("Email").fill(`tabs-${stamp}@test.glaze`);
  await one.getByLabel(/Password/).fill(password);
  await one.getByRole("button", { name: "Sign up" }).click();
  const switcher = (page: Page) => page.getByRole("combobox", { name: "Workspace" });
  for (const name of ["Alpha", "Beta"]) {
    await one.getByRole("banner").getByRole("button", { name: "New workspace" }).click();
    await one.getByRole("form", { name: "New workspace" }).getByRole("textbox", { name: "Workspace name" }).fill(name);
    await one.getByRole("form", { name: "New workspace" }).getByRole("button", { name: "Create" }).click();
    await expect(one.getByRole("heading", { name })).toBeVisible();
  }
  await switcher(one).selectOption({ label: "Alpha" });
  await expect(one.getByRole("heading", { name: "Alpha" })).toBeVisible();

  // A second tab opens on Alpha; the first then switches to Beta.
  const two = await context.newPage();
  const errorsTwo = watchErrors(two);
  await two.goto("/");
  await expect(two.getByRole("heading", { name: "Alpha" })).toBeVisible();
  await switcher(one).selectOption({ label: "Beta" });
  await expect(one.getByRole("heading", { name: "Beta" })).toBeVisible();

  // The second tab still shows Alpha: the table it creates is Alpha's.
  await two.getByRole("textbox", { name: "New table name" }).fill("Alpha leads");
  await two.getByRole("form", { name: "New table" }).getByRole("button", { name: "Create" }).click();
  await expect(two.getByRole("heading", { name: "Alpha leads" })).toBeVisible();
  await expect(switcher(two).locator("option:checked")).toHaveText("Alpha");
  await one.reload();
  await expect(one.getByRole("heading", { name: "Beta" })).toBeVisible();
  await expect(one.getByText("No tables yet.")).toBeVisible();
  await switcher(one).selectOption({ label: "Alpha" });
  await expect(one.getByRole("link", { name: /Alpha leads/ })).toBeVisible();
  expect(errors).toEqual([]);
  expect(errorsTwo).toEqual([]);
});

test("an owner stores, replaces and removes the workspace's provider keys and HTTP secrets in settings; no key is shown again", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { page, errors } = await freshPage(browser);
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Kim Keys");
  await page.getByLabel("Email").fill(`keys-${stamp}@test.glaze`);
  await page.getByLabel(/Password/).fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  // Someone in no workspace is asked to create one on the home page itself.
  const firstWorkspace = page.getByRole("form", { name: "Your first workspace" });
  await firstWorkspace.getByRole("textbox", { name: "Workspace name" }).fill("Keyholders");
  await firstWorkspace.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Keyholders" })).toBeVisible();
  await page.getByRole("link", { name: "Workspace settings" }).click();

  const hunter = page.locator("tr[data-provider=hunter]");
  const hunterKey = hunter.getByLabel("Hunter API key", { exact: true });
  // The e2e stack answers providers without a key from its replicas.
  await expect(hunter).toContainText("No key: answered by the local replica (demo mode)");
  const first = "replica-first-key-0001";
  await hunterKey.fill(first);
  await hunter.getByRole("button", { name: "Store" }).click();
  await expect(hunter).toContainText("This workspace's key, ending 0001");
  await expect(hunterKey).toHaveValue("");

  const second = "replica-second-key-0002";
  await hunterKey.fill(second);
  await hunter.getByRole("button", { name: "Replace" }).click();
  await expect(hunter).toContainText("This workspace's key, ending 0002");

  // A key the API refuses stays in its field, with the API's reason.
  await hunterKey.fill("has a space");
  await hunter.getByRole("button", { name: "Replace" }).click();
  await expect(page.getByText("must be printable ASCII without spaces")).toBeVisible();
  await expect(hunterKey).toHaveValue("has a space");
  await hunterKey.fill("");

  const secrets = page.getByRole("form", { name: "New HTTP secret" });
  const token = "crm-secret-value-7777";
  await secrets.getByLabel("Secret name").fill("crm-token");
  await secrets.getByLabel("Secret value").fill(token);
  await secrets.getByRole("button", { name: "Store secret" }).click();
  await expect(page.locator("li[data-secret=crm-token]")).toContainText("ending 7777");

  // What the page and the API hold: last 4 characters, never a key.
  const listed = await (await page.request.get("/api/providers")).json();
  expect(listed.data.find((p: { vendor: string }) => p.vendor === "hunter")).toMatchObject({
    keySource: "workspace",
    last4: "0002",
    demo: false,
  });
  expect(listed.secrets).toMatchObject([{ provider: "http", name: "crm-token", last4: "7777" }]);
  for (const secret of [first, second, token]) {
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await page.content()).not.toContain(secret);
  }
  await page.screenshot({ path: "test-results/screenshots/settings-provider-keys.png", fullPage: true });

  await hunter.getByRole("button", { name: "Remove key…" }).click();
  await hunter.getByRole("button", { name: "Confirm: remove the Hunter key" }).click();
  await expect(hunter).toContainText("No key: answered by the local replica (demo mode)");
  await page.locator("li[data-secret=crm-token]").getByRole("button", { name: "Remove…" }).click();
  await page.getByRole("button", { name: "Confirm: remove “crm-token”" }).click();
  await expect(page.getByText("No secrets stored.")).toBeVisible();
  const after = await (await page.request.get("/api/providers")).json();
  expect(after.data.find((p: { vendor: string }) => p.vendor === "hunter")).toMatchObject({ last4: null, demo: true });
  expect(after.secrets).toEqual([]);
  // The refused key (422) is the only error the browser reports.
  expect(errors.filter((e) => !e.includes("422"))).toEqual([]);
});
