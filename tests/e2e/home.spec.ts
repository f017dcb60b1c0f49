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

test("/favicon.ico, which browsers ask for by themselves, leads to the app's icon", async ({ request }) => {
  const icon = await request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
});

test("unknown table shows a 404 page", async ({ page }) => {
  const response = await page.goto("/tables/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("the running server answers a method a route does not serve with a 405 in the error shape", async ({
  request,
}) => {
  const tables = await request.get("/api/tables");
  const tableId = (await tables.json()).data[0].id;
  for (const [method, path, allow] of [
    ["DELETE", `/api/tables/${tableId}/enrich`, "OPTIONS, POST"],
    ["PUT", "/api/tables", "GET, HEAD, OPTIONS, POST"],
    ["POST", "/api/health", "GET, HEAD, OPTIONS"],
  ]) {
    const response = await request.fetch(path, { method, data: method === "GET" ? undefined : "{}" });
    expect(response.status(), `${method} ${path}`).toBe(405);
    expect(response.headers().allow).toBe(allow);
    expect((await response.json()).error).toMatchObject({
      code: "method_not_allowed",
      details: { allowed: allow.split(", ") },
    });
  }
  const options = await request.fetch("/api/tables", { method: "OPTIONS" });
  expect(options.status()).toBe(204);
  expect(options.headers().allow).toBe("GET, HEAD, OPTIONS, POST");
  const columns = await request.get(`/api/tables/${tableId}/columns`);
  expect(columns.status()).toBe(200);
  expect((await columns.json()).data.length).toBeGreaterThan(0);
});

test("an API path whose percent-encoding is not UTF-8 → 400 in the JSON error shape (Next answered its HTML error page)", async ({
  request,
}) => {
  const tables = await request.get("/api/tables");
  const tableId = (await tables.json()).data[0].id;
  for (const path of [
    "/api/tables/%ED%A0%80",
    "/api/tables/%E0%A4%A",
    `/api/tables/${tableId}/rows/%FF`,
    "/api/invitations/%C0%AF",
    "/api/nope/%ED%A0%80",
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(400);
    expect(response.headers()["content-type"], path).toMatch(/^application\/json/);
    expect((await response.json()).error, path).toMatchObject({ code: "bad_request" });
  }
  // A path with a well-formed escape still reaches its route.
  const escaped = await request.get(`/api/tables/${tableId}/columns?x=1`.replace("columns", "%63olumns"));
  expect(escaped.status()).not.toBe(400);
});
