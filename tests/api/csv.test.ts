import { describe, expect, test } from "vitest";
import { headerToKey, uniqueKeys } from "@/lib/csv/header-key";
import { parseCsv } from "@/lib/csv/parse";
import { csvRecord } from "@/lib/csv/serialize";
import { api } from "../support/api";
import { testAccount } from "../support/auth";

// POST /api/tables/import would match the harness's earlier "/api/tables/:tableId" pattern, and
// the export answers text/csv, which the harness parses as JSON: both are called directly.
async function importNew(csv: string | Uint8Array<ArrayBuffer>, query = "name=Imported", contentType = "text/csv") {
  const { POST } = await import("@/app/api/tables/import/route");
  const response = await POST(
    new Request(`http://localhost/api/tables/import?${query}`, {
      method: "POST",
      body: csv,
      headers: { "content-type": contentType, authorization: `Bearer ${(await testAccount()).apiKey}` },
    }),
    { params: Promise.resolve({}) },
  );
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read bodies loosely
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function exportCsv(tableId: string) {
  const { GET } = await import("@/app/api/tables/[tableId]/export/route");
  const response = await GET(
    new Request(`http://localhost/api/tables/${tableId}/export`, {
      headers: { authorization: `Bearer ${(await testAccount()).apiKey}` },
    }),
    { params: Promise.resolve({ tableId }) },
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const append = (tableId: string, csv: string, query = "") =>
  api.post(`/api/tables/${tableId}/import${query}`, undefined, { raw: csv, headers: { "content-type": "text/csv" } });

describe("RFC 4180 parser and serializer", () => {
  test("quotes, embedded commas and newlines, CRLF and a BOM", () => {
    const text = '\uFEFFname,note\r\n"Doe, Jane","said ""hi""\r\nthen left"\r\nBob,\r\n';
    expect(parseCsv(text).records).toEqual([
      ["name", "note"],
      ["Doe, Jane", 'said "hi"\r\nthen left'],
      ["Bob", ""],
    ]);
  });

  test("LF and CR line ends, blank lines skipped, no trailing newline", () => {
    expect(parseCsv("a,b\n1,2\r\n\n3,4\r5,6").records).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4"],
      ["5", "6"],
    ]);
  });

  test("a record of one empty field survives as a quoted empty string", () => {
    const text = csvRecord(["x"]) + csvRecord([""]) + csvRecord(["y"]);
    expect(text).toBe('x\r\n""\r\ny\r\n');
    expect(parseCsv(text).records).toEqual([["x"], [""], ["y"]]);
  });

  test("serializer quotes only what needs it, and parse(serialize(x)) = x", () => {
    const values = ["plain", "a,b", 'q"q', "line\nbreak", " padded ", "", 42, true, null];
    const line = csvRecord(values);
    expect(line).toBe('plain,"a,b","q""q","line\nbreak"," padded ",,42,true,\r\n');
    expect(parseCsv(line).records[0]).toEqual(["plain", "a,b", 'q"q', "line\nbreak", " padded ", "", "42", "true", ""]);
  });

  test("malformed input names the line", () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b\n1,x"y')).toThrow(/line 2: a double quote/);
    expect(() => parseCsv('a,b\n"x"y,1')).toThrow(/line 2: unexpected text after a closing quote/);
  });

  test("header names become column keys", () => {
    expect(headerToKey("Company Domain")).toBe("company_domain");
    expect(headerToKey("  E-mail (work) ")).toBe("e_mail_work");
    expect(headerToKey("Équipe")).toBe("equipe");
    expect(headerToKey("2024 revenue")).toBe("col_2024_revenue");
    expect(headerToKey("!!!")).toBe("column");
    expect(headerToKey("x".repeat(80))).toHaveLength(63);
    expect(uniqueKeys(["Name", "name", "NAME"])).toEqual(["name", "name_2", "name_3"]);
    expect(uniqueKeys(["Email"], ["email"])).toEqual(["email_2"]);
  });
});

describe("POST /api/tables/import", () => {
  test("creates a table with columns from the header and rows in file order", async () => {
    const csv = 'Full Name,Company Domain,Notes\r\nAda,analytical.io,"first, programmer"\r\nGrace,,"multi\nline"\r\n';
    const { status, body } = await importNew(csv, "name=People");
    expect(status).toBe(201);
    expect(body.data.name).toBe("People");
    expect(body.data.rowCount).toBe(2);
    expect(body.data.columns.map((c: { key: string; label: string }) => [c.key, c.label])).toEqual([
      ["full_name", "Full Name"],
      ["company_domain", "Company Domain"],
      ["notes", "Notes"],
    ]);
    expect(body.meta).toEqual({ imported: 2, createdColumns: ["full_name", "company_domain", "notes"] });
    const rows = await api.get(`/api/tables/${body.data.id}/rows?limit=10`);
    expect(rows.body.data.map((r: { data: unknown }) => r.data)).toEqual([
      { full_name: "Ada", company_domain: "analytical.io", notes: "first, programmer" },
      { full_name: "Grace", notes: "multi\nline" },
    ]);
  });

  test("round trip: export gives back the imported bytes", async () => {
    const csv =
      "Name,Email,Comment\r\n" +
      'Ada,ada@example.com,"says ""hello"", twice"\r\n' +
      'Grace,,"line one\r\nline two"\r\n' +
      ",,\r\n" +
      "Émile,émile@example.fr,ünïcödé\r\n";
    const created = await importNew(csv, "name=Round%20trip");
    expect(created.status).toBe(201);
    const exported = await exportCsv(created.body.data.id);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(exported.headers.get("content-disposition")).toContain('filename="Round trip.csv"');
    const named = await importNew("a\r\n1\r\n", `name=${encodeURIComponent("it's (Q3) 日本*")}`);
    const disposition = (await exportCsv(named.body.data.id)).headers.get("content-disposition");
    // RFC 8187: ' ( ) and * are percent-encoded too (and a name's * is no file name character).
    expect(disposition).toBe(
      `attachment; filename="it's (Q3) __ -.csv"; filename*=UTF-8''it%27s%20%28Q3%29%20%E6%97%A5%E6%9C%AC%20-.csv`,
    );
    expect(exported.text).toBe(csv);
  });

  test("a header-only CSV creates an empty table; a BOM is ignored", async () => {
    const { status, body } = await importNew("\uFEFFa,b\r\n", "name=Empty");
    expect(status).toBe(201);
    expect(body.data.rowCount).toBe(0);
    expect(body.data.columns.map((c: { key: string }) => c.key)).toEqual(["a", "b"]);
  });

  test("empty file → 422", async () => {
    const { status, body } = await importNew("");
    expect(status).toBe(422);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(/empty/);
  });

  test("malformed CSV → 400 with the line, and nothing is created", async () => {
    const before = await api.get("/api/tables?limit=200");
    const { status, body } = await importNew('a,b\r\n1,2\r\n3,"never closed\r\n');
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(/line 3/);
    const after = await api.get("/api/tables?limit=200");
    expect(after.body.meta.total).toBe(before.body.meta.total);
  });

  test("ragged records and unnamed columns → 422 with details", async () => {
    const ragged = await importNew("a,b\r\n1,2\r\n1,2,3\r\n4\r\n");
    expect(ragged.status).toBe(422);
    expect(ragged.body.error.details).toEqual([
      { path: "line.3", message: "expected 2 fields, found 3" },
      { path: "line.4", message: "expected 2 fields, found 1" },
    ]);
    const unnamed = await importNew("a,,c\r\n1,2,3\r\n");
    expect(unnamed.status).toBe(422);
    expect(unnamed.body.error.details).toEqual([{ path: "header.1", message: "column 2 has no name" }]);
  });

  test("not UTF-8 → 400; JSON body → 415", async () => {
    const latin1 = new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xe9, 0x0a]);
    expect((await importNew(latin1)).status).toBe(400);
    const json = await importNew('{"name":"x"}', "name=x", "application/json");
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe("unsupported_media_type");
  });

  test("each column is typed by its values: numbers sort as numbers; zip codes, phone numbers and mixed columns stay text", async () => {
    const csv = [
      "Name,Employees,Founded,Active,Email,Website,Zip,Phone,Mixed,Empty,Score",
      "Acme,9,2001-05-01,true,ada@acme.com,https://acme.com,02134,+14155550123,12,,-2.5",
      "Globex,10,1999-12-31,FALSE,bob@globex.io,http://globex.io/about,94105,+442079460000,n/a,,1e3",
      "Initech,120,2010-01-15T09:30:00Z,false,carol@initech.com,https://initech.com,10001,+33142685300,7,,0.5",
      "Umbrella,,,,,,,,,,",
    ].join("\r\n");
    const res = await importNew(csv, "name=Typed");
    expect(res.status).toBe(201);
    const types = Object.fromEntries(
      res.body.data.columns.map((c: { key: string; dataType: string }) => [c.key, c.dataType]),
    );
    expect(types).toEqual({
      name: "text",
      employees: "number",
      founded: "date",
      active: "boolean",
      email: "email",
      website: "url",
      zip: "text",
      phone: "text",
      mixed: "text",
      empty: "text",
      score: "number",
    });
    // Values are kept as written; the type decides how views read them.
    const sorted = await api.get(`/api/tables/${res.body.data.id}/rows?sort=employees:asc`);
    expect(sorted.body.data.map((r: { data: Record<string, string> }) => r.data.employees ?? null)).toEqual([
      "9",
      "10",
      "120",
      null,
    ]);
    expect(sorted.body.data[0].data.zip).toBe("02134");
  });

  test("imports 20,000 rows in one request", async () => {
    const lines = ["id,email"];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},user${i}@example.com`);
    const { status, body } = await importNew(`${lines.join("\n")}\n`, "name=Big");
    expect(status).toBe(201);
    expect(body.data.rowCount).toBe(20_000);
    const last = await api.get(`/api/tables/${body.data.id}/rows?offset=19999&limit=1`);
    expect(last.body.data[0].data).toEqual({ id: "19999", email: "user19999@example.com" });
    const exported = await exportCsv(body.data.id);
    expect(exported.text.split("\r\n")).toHaveLength(20_002);
  });
});

describe("POST /api/tables/:tableId/import", () => {
  async function leads() {
    const created = await api.post("/api/tables", {
      name: "Append target",
      columns: [
        { key: "name", label: "Name" },
        { key: "company_domain", label: "Domain" },
      ],
    });
    return created.body.id as string;
  }

  test("matches headers by key, label or derived key, in any order", async () => {
    const tableId = await leads();
    const res = await append(tableId, "Company Domain,NAME\r\nkernel.org,Linus\r\n");
    expect(res.status).toBe(201);
    expect(res.body.meta).toEqual({ imported: 1, createdColumns: [] });
    const rows = await api.get(`/api/tables/${tableId}/rows`);
    expect(rows.body.data[0].data).toEqual({ name: "Linus", company_domain: "kernel.org" });
  });

  test("unknown headers → 422 and nothing is written; createColumns=true adds them", async () => {
    const tableId = await leads();
    const refused = await append(tableId, "name,Job Title\r\nAda,Countess\r\n");
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([{ path: "header.1", message: 'no column matches "Job Title"' }]);
    expect((await api.get(`/api/tables/${tableId}`)).body.rowCount).toBe(0);

    const accepted = await append(tableId, "name,Job Title\r\nAda,Countess\r\n", "?createColumns=true");
    expect(accepted.status).toBe(201);
    expect(accepted.body.meta.createdColumns).toEqual(["job_title"]);
    const table = (await api.get(`/api/tables/${tableId}`)).body;
    expect(table.columns.map((c: { key: string; order: number }) => [c.key, c.order])).toEqual([
      ["name", 0],
      ["company_domain", 1],
      ["job_title", 2],
    ]);
    expect(table.rowCount).toBe(1);
  });

  test("columns created by an append are typed by the values it brings; existing columns keep their type", async () => {
    const tableId = await leads();
    const res = await append(tableId, "name,Seats,Renews\r\n12,40,2027-01-01\r\n", "?createColumns=true");
    expect(res.status).toBe(201);
    const table = (await api.get(`/api/tables/${tableId}`)).body;
    expect(table.columns.map((c: { key: string; dataType: string }) => [c.key, c.dataType])).toEqual([
      ["name", "text"],
      ["company_domain", "text"],
      ["seats", "number"],
      ["renews", "date"],
    ]);
  });

  test("two headers naming one column → 422", async () => {
    const tableId = await leads();
    const res = await append(tableId, "name,Name\r\na,b\r\n");
    expect(res.status).toBe(422);
  });

  test("a table's own export appends back into the columns it came from (labels that are other keys, repeated labels)", async () => {
    const swapped = await api.post("/api/tables", {
      name: "Swapped",
      columns: [
        { key: "email", label: "work" },
        { key: "work", label: "email" },
      ],
    });
    const id = swapped.body.id as string;
    await api.post(`/api/tables/${id}/rows`, { rows: [{ data: { email: "a@b.c", work: "Acme" } }] });
    expect((await append(id, (await exportCsv(id)).text)).status).toBe(201);
    const rows = (await api.get(`/api/tables/${id}/rows`)).body.data.map((r: { data: unknown }) => r.data);
    expect(rows).toEqual([
      { email: "a@b.c", work: "Acme" },
      { email: "a@b.c", work: "Acme" },
    ]);

    const twins = await importNew("Name,Name\r\nAda,Lovelace\r\n", "name=Twins");
    const twinsId = twins.body.data.id as string;
    expect((await append(twinsId, (await exportCsv(twinsId)).text)).status).toBe(201);
    const twinRows = (await api.get(`/api/tables/${twinsId}/rows`)).body.data.map((r: { data: unknown }) => r.data);
    expect(twinRows).toEqual([
      { name: "Ada", name_2: "Lovelace" },
      { name: "Ada", name_2: "Lovelace" },
    ]);
  });

  test("the createColumns hint is given only when a header matches no column", async () => {
    const tableId = await leads();
    const twice = await append(tableId, "name,Name\r\na,b\r\n", "?createColumns=true");
    expect(twice.status).toBe(422);
    expect(twice.body.error.message).toBe("The CSV's header does not match the table's columns");
    const unknown = await append(tableId, "name,zip\r\na,b\r\n");
    expect(unknown.body.error.message).toMatch(/pass createColumns=true/);
  });

  test("unknown table → 404, for import and export", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const res = await append(missing, "name\r\nx\r\n");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    const exported = await exportCsv(missing);
    expect(exported.status).toBe(404);
    expect(JSON.parse(exported.text).error.code).toBe("not_found");
    expect((await exportCsv("not-a-uuid")).status).toBe(404);
  });
});
