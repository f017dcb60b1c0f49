import net from "node:net";
import type { Browser, Page, Request, Route } from "@playwright/test";
import { expect, test } from "./fixtures";
import { cellOf, createTable, pasteIntoGrid, rowWith, watchErrors } from "./grid-support";

// Two tabs on one table, each in its own browser context signed in as the demo account (the
// grid's EventSource sends the session cookie): each tab follows the table's event stream, so
// what one does shows in the other without a reload or a poll.

test.describe.configure({ mode: "serial" });

type Tab = { page: Page; errors: string[]; polls: string[]; streams: Request[] };

async function openTab(browser: Browser, tableId: string, origin = ""): Promise<Tab> {
  // A context made here does not take the project's `use` options: give it the signed-in state.
  const { storageState, baseURL } = test.info().project.use;
  const page = await (await browser.newContext({ storageState, baseURL })).newPage();
  const tab: Tab = { page, errors: watchErrors(page), polls: [], streams: [] };
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith("/cells/status") || pathname.endsWith("/enrich/jobs")) tab.polls.push(pathname);
    if (pathname.endsWith("/events")) tab.streams.push(request);
  });
  await page.goto(`${origin}/tables/${tableId}`);
  await expect(rowWith(page, "Ada")).toBeVisible();
  return tab;
}

/**
 * A TCP pipe to the app on a port of its own, whose connections the test can cut, as a network
 * or a load balancer does. Pages opened at http://localhost:<its port> keep the session cookie
 * (cookies do not depend on the port) and talk to the same app.
 */
async function cuttablePipe(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname === "localhost" ? "127.0.0.1" : hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://localhost:${(server.address() as net.AddressInfo).port}`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function closeTabs(...tabs: Tab[]) {
  for (const tab of tabs) await tab.page.context().close();
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
  await pasteIntoGrid(b.page, "Rome\nOslo\n");
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
  await closeTabs(a, b);
});

test("the stream drops: the second tab reconnects by itself and catches up on what it missed", async ({
  browser,
  request,
  baseURL,
}) => {
  const table = await createTable(
    request,
    "Dropped stream",
    [
      { key: "name", label: "Name" },
      { key: "city", label: "City" },
    ],
    [{ name: "Ada", city: "London" }],
  );
  const pipe = await cuttablePipe(baseURL ?? "");
  const a = await openTab(browser, table.id);
  const b = await openTab(browser, table.id, pipe.origin);
  try {
    const pollsBefore = b.polls.length;
    const edit = async (value: string) => {
      const city = await cellOf(a.page, "Ada", "City");
      await city.dblclick();
      await a.page.getByRole("textbox", { name: "Edit City" }).fill(value);
      await a.page.keyboard.press("Enter");
      await expect(await cellOf(a.page, "Ada", "City")).toHaveText(value);
    };
    await edit("Paris");
    await expect(await cellOf(b.page, "Ada", "City")).toHaveText("Paris");
    expect(b.streams).toHaveLength(1);

    // B's connection is cut; A edits before B's EventSource comes back (retry: 2000).
    pipe.cut();
    await edit("Rome");

    // EventSource reconnects with Last-Event-ID, and the new stream catches B up.
    await expect(await cellOf(b.page, "Ada", "City")).toHaveText("Rome");
    expect(b.streams.length).toBeGreaterThan(1);
    expect(await b.streams.at(-1)?.headerValue("last-event-id")).toMatch(/^\d+:\d+:/);
    // And it is live again: the next edit arrives on the new stream. No polling: the one
    // request is the jobs list taken afresh on reconnecting (ended jobs are not replayed).
    await edit("Oslo");
    await expect(await cellOf(b.page, "Ada", "City")).toHaveText("Oslo");
    expect(b.polls.slice(pollsBefore)).toEqual([`/api/tables/${table.id}/enrich/jobs`]);
    expect(a.errors).toEqual([]);
    // The cut itself is the only error B's console reports.
    expect(b.errors.filter((e) => !e.includes("ERR_INCOMPLETE_CHUNKED_ENCODING"))).toEqual([]);
  } finally {
    await closeTabs(a, b);
    await pipe.close();
  }
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
  // Someone else's edit reaches it too, with no job running: the table and its windows are read
  // again now and then (polling only followed cells, and only while a job ran).
  const renamed = await request.patch(`/api/tables/${table.id}/rows/${table.rows[0].id}`, {
    data: { data: { name: "Ada King" } },
  });
  expect(renamed.status()).toBe(200);
  await expect(rowWith(page, "Ada King")).toBeVisible({ timeout: 15_000 });
  // The refused stream is the only error the browser reports.
  expect(errors.filter((e) => !e.includes("503"))).toEqual([]);
});

test("rows do not wait for the event stream: they show while it has not answered, and it starts from their cursor", async ({
  page,
  request,
}) => {
  const errors = watchErrors(page);
  const table = await createTable(
    request,
    "Slow stream",
    [
      { key: "name", label: "Name" },
      { key: "city", label: "City" },
    ],
    [{ name: "Ada", city: "London" }],
  );
  // The stream's request is held (as a slow or buffering proxy would) until the rows are on screen.
  const held: Route[] = [];
  await page.route("**/events*", (route) => {
    held.push(route);
  });
  await page.goto(`/tables/${table.id}`);
  await expect(rowWith(page, "Ada")).toBeVisible();
  await expect.poll(() => held.length).toBe(1);
  // It asks for what changed after the cursor the rows were read at.
  expect(new URL(held[0].request().url()).searchParams.get("since")).toBeTruthy();
  // An edit made now, before the stream has answered, still reaches the grid through it.
  const edited = await request.patch(`/api/tables/${table.id}/rows/${table.rows[0].id}`, {
    data: { data: { city: "Paris" } },
  });
  expect(edited.status()).toBe(200);
  await held[0].continue();
  await expect(await cellOf(page, "Ada", "City")).toHaveText("Paris");
  expect(errors).toEqual([]);
});
