import { expect, test } from "vitest";
import { EXPORT_PAGE, MAX_EXPORTS } from "@/lib/csv/export";
import { parseCsv } from "@/lib/csv/parse";
import { getDb } from "@/lib/db";
import { api } from "../support/api";
import { testAccount } from "../support/auth";
import { expectError } from "../support/db-state";
import { makeTable } from "../support/fixtures";

// GET /api/tables/:tableId/export of a view: the rows GET /rows shows for the same filter, sort
// and q, in the same order, with the columns asked for; one snapshot for the whole download;
// the export's own connection ends with the download, however it ends.

async function exportResponse(tableId: string, query = "", method = "GET") {
  const { GET } = await import("@/app/api/tables/[tableId]/export/route");
  return GET(
    new Request(`http://localhost/api/tables/${tableId}/export${query}`, {
      method,
      headers: { authorization: `Bearer ${(await testAccount()).apiKey}` },
    }),
    { params: Promise.resolve({ tableId }) },
  );
}

async function exportRecords(tableId: string, query = "") {
  const response = await exportResponse(tableId, query);
  expect(response.status, await response.clone().text()).toBe(200);
  return parseCsv(await response.text()).records;
}

/** Export connections open now (application_name glaze-export). */
async function exportConnections() {
  const [{ n }] = await getDb().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'glaze-export'`;
  return n;
}

async function waitForNoExports() {
  for (let i = 0; i < 50 && (await exportConnections()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return exportConnections();
}

async function leadsTable(rows: number) {
  const t = await makeTable({ keys: ["name", "company", "score"], rows: 0 });
  await getDb().$executeRaw`
    INSERT INTO rows (table_id, data)
    SELECT ${t.tableId}::uuid,
           jsonb_build_object('name', 'Person ' || i, 'company', CASE WHEN i % 3 = 0 THEN 'Acme' WHEN i % 3 = 1 THEN 'Globex' END,
                              'score', (i * 37) % 11)
      FROM generate_series(1, ${rows}::int) AS i`;
  return t;
}

test("GET /api/tables/:tableId/export – a view's filter, sort and q give GET /rows's rows in its order", async () => {
  const t = await leadsTable(60);
  const filter = encodeURIComponent(JSON.stringify({ column: "company", op: "is_not_empty" }));
  for (const view of [
    `filter=${filter}&sort=score:desc,name:asc`,
    "sort=company:asc",
    "q=person%201",
    `filter=${filter}&q=5`,
  ]) {
    const shown = await api.get(`/api/tables/${t.tableId}/rows?${view}&limit=1000`);
    expect(shown.status).toBe(200);
    const records = await exportRecords(t.tableId, `?${view}`);
    expect(records[0]).toEqual(["name", "company", "score"]);
    expect(
      records.slice(1).map((r) => r[0]),
      view,
    ).toEqual(shown.body.data.map((row: { data: { name: string } }) => row.data.name));
    expect(records.length - 1, view).toBe(shown.body.meta.total);
  }
  // The empty company sorts last in either direction, as in the grid.
  const byCompany = await exportRecords(t.tableId, "?sort=company:desc");
  expect(byCompany.slice(1, 21).every((r) => r[1] === "Globex")).toBe(true);
  expect(byCompany.slice(-20).every((r) => r[1] === "")).toBe(true);
});

test("GET /api/tables/:tableId/export – columns picks and orders the columns; the whole table without it", async () => {
  const t = await leadsTable(3);
  expect(await exportRecords(t.tableId, "?columns=score,name")).toEqual([
    ["score", "name"],
    ["4", "Person 1"],
    ["8", "Person 2"],
    ["1", "Person 3"],
  ]);
  expect(await exportRecords(t.tableId)).toEqual([
    ["name", "company", "score"],
    ["Person 1", "Globex", "4"],
    ["Person 2", "", "8"],
    ["Person 3", "Acme", "1"],
  ]);
});

test("GET /api/tables/:tableId/export – a query that does not fit the table → 422 naming it, before any byte", async () => {
  const t = await leadsTable(3);
  const cases: [string, string][] = [
    ["?columns=name,nope", "columns.1"],
    ["?columns=name,name", "columns.1"],
    ["?columns=name,,score", "columns"],
    ["?sort=nope:asc", "sort.0"],
    [`?filter=${encodeURIComponent(JSON.stringify({ column: "nope", op: "is_empty" }))}`, "filter"],
    ["?filter=%7B", "filter"],
    ["?format=xlsx", "format"],
    [`?q=${"x".repeat(300)}`, "q"],
  ];
  for (const [query, path] of cases) {
    const response = await exportResponse(t.tableId, query);
    const error = expectError(
      { status: response.status, body: await response.json(), headers: response.headers },
      422,
      "validation_failed",
    );
    expect(JSON.stringify(error.details), query).toContain(`"path":"${path}`);
  }
  expect(await waitForNoExports()).toBe(0);
});

test("GET /api/tables/:tableId/export – the download is one snapshot: rows written while it streams are not in it", async () => {
  const rows = EXPORT_PAGE * 2 + 10;
  const t = await leadsTable(rows);
  const response = await exportResponse(t.tableId, "?sort=name:asc");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  // The header and the first page, then writes from elsewhere, then the rest.
  for (let chunks = 0; chunks < 2; chunks++) text += decoder.decode((await reader.read()).value);
  await api.post(`/api/tables/${t.tableId}/rows`, {
    rows: [{ data: { name: "Aaron Late" } }, { data: { name: "Zed Late" } }],
  });
  await getDb()
    .$executeRaw`DELETE FROM rows WHERE table_id = ${t.tableId}::uuid AND data->>'name' = ${`Person ${rows}`}`;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  const names = parseCsv(text)
    .records.slice(1)
    .map((r) => r[0]);
  expect(names).toHaveLength(rows);
  expect(names).toContain(`Person ${rows}`);
  expect(names.some((n) => n.endsWith("Late"))).toBe(false);
  expect(await waitForNoExports()).toBe(0);
});

test(`GET /api/tables/:tableId/export – a download given up ends its connection; at most ${MAX_EXPORTS} at once, then 429`, async () => {
  const t = await leadsTable(EXPORT_PAGE * 3);
  const open = await Promise.all(Array.from({ length: MAX_EXPORTS }, () => exportResponse(t.tableId)));
  expect(open.map((r) => r.status)).toEqual(Array(MAX_EXPORTS).fill(200));
  expect(await exportConnections()).toBe(MAX_EXPORTS);

  const refused = await exportResponse(t.tableId);
  const error = expectError(
    { status: refused.status, body: await refused.json(), headers: refused.headers },
    429,
    "too_many_requests",
  );
  expect(error.message).toContain("exports");
  expect(refused.headers.get("retry-after")).toBe("5");

  // Read a little of one, then give every download up (the client went away).
  const first = (open[0].body as ReadableStream<Uint8Array>).getReader();
  await first.read();
  await first.cancel();
  await Promise.all(open.slice(1).map((r) => r.body?.cancel()));
  expect(await waitForNoExports()).toBe(0);
  // HEAD (Next answers it with GET's handler) gets the download's headers and opens no cursor.
  const head = await exportResponse(t.tableId, "?sort=name:desc", "HEAD");
  expect(head.status).toBe(200);
  expect(head.headers.get("content-disposition")).toContain(".csv");
  expect(head.body).toBeNull();
  expect(await exportConnections()).toBe(0);
  const again = await exportResponse(t.tableId);
  expect(again.status).toBe(200);
  expect(parseCsv(await again.text()).records).toHaveLength(EXPORT_PAGE * 3 + 1);
  expect(await waitForNoExports()).toBe(0);
});

test("a view's download is named with everything that sets it apart (it named only the first)", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 2 });
  const named = async (query: string) =>
    (await exportResponse(t.tableId, query, "HEAD")).headers.get("content-disposition") ?? "";
  const filter = encodeURIComponent(JSON.stringify({ column: "name", op: "is_not_empty" }));
  expect(await named(`?filter=${filter}&sort=name:desc&columns=name`)).toContain(
    "(filtered, sorted, some columns).csv",
  );
  expect(await named("?sort=name:desc")).toContain("(sorted).csv");
  expect(await named("")).not.toContain("(");
});

test("bom=1 starts the file with a UTF-8 byte order mark (for Excel), which an import of it drops; none by default", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });
  await api.post(`/api/tables/${t.tableId}/rows`, {
    rows: [{ data: { name: "Zoë Ångström" } }, { data: { name: "李小龍" } }],
  });
  const bytes = async (query: string) => new Uint8Array(await (await exportResponse(t.tableId, query)).arrayBuffer());
  const plain = await bytes("");
  const marked = await bytes("?bom=1");
  expect([...marked.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(plain[0]).not.toBe(0xef);
  expect(Buffer.from(marked.slice(3)).equals(Buffer.from(plain))).toBe(true);
  const imported = await api.post("/api/tables/import?name=Round%20trip", undefined, {
    raw: marked,
    headers: { "content-type": "text/csv" },
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  // The header is read without the mark: the column is "name", not "\uFEFFname".
  expect(imported.body.data.columns.map((c: { key: string }) => c.key)).toEqual(["name"]);
  const rows = await api.get(`/api/tables/${imported.body.data.id}/rows`);
  expect(rows.body.data.map((r: { data: Record<string, unknown> }) => Object.values(r.data))).toEqual([
    ["Zoë Ångström"],
    ["李小龍"],
  ]);
  expectError(await api.get(`/api/tables/${t.tableId}/export?bom=yes`), 422, "validation_failed");
});
