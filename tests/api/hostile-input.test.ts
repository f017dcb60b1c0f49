import "../support/no-orchestrator";
import { describe, expect, test } from "vitest";
import { parseCsv } from "@/lib/csv/parse";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { api, request } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";

// Requests an attacker or a careless client sends. Each must get a 4xx in the one error
// shape (never a 500 from the database), and write nothing.

const LONE_HIGH = "\ud800";
const LONE_LOW = "x\udc00y";
const csv = { "content-type": "text/csv" };

describe("values Postgres cannot store → 422, nothing written", () => {
  test('a "__proto__" key in row data → 422 naming it, not dropped without a word', async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    await withoutWrites(async () => {
      const created = await api.post(`/api/tables/${t.tableId}/rows`, undefined, {
        raw: '{"rows":[{"data":{"__proto__":"zzz","name":"a"}}]}',
      });
      expectError(created, 422, "validation_failed");
      expect(detailPaths(created)).toEqual(["rows.0.data.__proto__"]);
      const patched = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, undefined, {
        raw: '{"data":{"__proto__":{"name":"x"}}}',
      });
      expectError(patched, 422, "validation_failed");
      expect(detailPaths(patched)).toEqual(["data.__proto__"]);
    });
  });

  test("a JSON body that is not UTF-8 → 400, not stored with U+FFFD in place of its bytes", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    // "é" as the one Latin-1 byte 0xE9, which UTF-8 does not allow there.
    const body = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
    await withoutWrites(async () => {
      const created = await api.post(`/api/tables/${t.tableId}/rows`, undefined, {
        raw: body('{"rows":[{"data":{"name":"café"}}]}'),
      });
      expect(expectError(created, 400, "invalid_json").message).toBe("The request body is not valid UTF-8");
      const patched = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, undefined, {
        raw: body('{"data":{"name":"café"}}'),
      });
      expectError(patched, 400, "invalid_json");
    });
  });

  test("PATCH /rows/:rowId, POST /rows and PATCH /rows with a lone surrogate in a cell value → 422", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    const rows = `/api/tables/${t.tableId}/rows`;
    await withoutWrites(async () => {
      for (const value of [LONE_HIGH, LONE_LOW]) {
        expectError(await api.patch(`${rows}/${t.rowIds[0]}`, { data: { name: value } }), 422, "validation_failed");
        expectError(await api.post(rows, { rows: [{ data: { name: value } }] }), 422, "validation_failed");
        const bulk = await api.patch(rows, { rows: [{ id: t.rowIds[0], data: { name: value } }] });
        expect(detailPaths(expectErrorOf(bulk))).toEqual(["rows.0.data.name"]);
      }
    });
  });

  test("a lone surrogate in a table name, a description or a column label → 422, not a silent U+FFFD", async () => {
    const t = await makeTable({ keys: ["name"], rows: 0 });
    await withoutWrites(async () => {
      expectError(await api.post("/api/tables", { name: `Leads ${LONE_HIGH}` }), 422, "validation_failed");
      expectError(await api.post("/api/tables", { name: "Leads", description: LONE_LOW }), 422, "validation_failed");
      expectError(await api.patch(`/api/tables/${t.tableId}`, { name: LONE_LOW }), 422, "validation_failed");
      const column = { key: "bad", label: `Label ${LONE_HIGH}` };
      expectError(await api.post(`/api/tables/${t.tableId}/columns`, column), 422, "validation_failed");
      const label = await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.name}`, { label: LONE_LOW });
      expectError(label, 422, "validation_failed");
    });
  });

  test("NUL in the import's name or description → 422", async () => {
    await withoutWrites(async () => {
      for (const query of ["name=a%00b", "name=ok&description=x%00y"]) {
        const res = await api.post(`/api/tables/import?${query}`, undefined, { raw: "a\r\n1\r\n", headers: csv });
        expectError(res, 422, "validation_failed");
      }
    });
  });

  test("NUL in a CSV value or header → 422 naming the line, on import and append", async () => {
    const t = await makeTable({ keys: ["name"], rows: 0 });
    await withoutWrites(async () => {
      for (const body of ["name\r\nA\u0000B\r\n", "na\u0000me\r\nAda\r\n"]) {
        const created = await api.post("/api/tables/import?name=X", undefined, { raw: body, headers: csv });
        expectError(created, 422, "validation_failed");
        const appended = await api.post(`/api/tables/${t.tableId}/import`, undefined, { raw: body, headers: csv });
        expectError(appended, 422, "validation_failed");
      }
    });
  });
});

describe("requests from other sites and other hosts", () => {
  const origin = (value: string) => ({ headers: { origin: value } });

  test("a write with a foreign Origin → 403 and nothing is written; the app's own origin is accepted", async () => {
    await withoutWrites(async () => {
      expectError(await api.post("/api/tables", { name: "x" }, origin("https://evil.example")), 403, "forbidden");
      expectError(await api.post("/api/tables", { name: "x" }, origin("null")), 403, "forbidden");
      const noOrigin = { headers: { "sec-fetch-site": "cross-site" } };
      expectError(await api.post("/api/tables", { name: "x" }, noOrigin), 403, "forbidden");
    });
    expect((await api.post("/api/tables", { name: "ok" }, origin("http://localhost:3000"))).status).toBe(201);
  });

  test("the app opened at 127.0.0.1 writes with that Origin and Host → accepted (it was 403); that Origin sent to another host is still refused", async () => {
    const at = (host: string, from: string) => ({ headers: { host, origin: from } });
    expect((await api.post("/api/tables", { name: "ip" }, at("127.0.0.1:3000", "http://127.0.0.1:3000"))).status).toBe(
      201,
    );
    await withoutWrites(async () => {
      const refused = [
        [at("localhost:3000", "http://127.0.0.1:3000"), 403, "forbidden"],
        [at("127.0.0.1:3000", "http://127.0.0.1:4000"), 403, "forbidden"],
        [at("evil.test:3000", "http://evil.test:3000"), 421, "misdirected_request"],
      ] as const;
      for (const [headers, status, code] of refused) {
        expectError(await api.post("/api/tables", { name: "x" }, headers), status, code);
      }
    });
  });

  test("a JSON route sent text/plain or a form → 415 and nothing is written", async () => {
    await withoutWrites(async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
        const res = await api.post("/api/tables", undefined, {
          raw: '{"name":"x"}',
          headers: { "content-type": type },
        });
        expectError(res, 415, "unsupported_media_type");
      }
    });
  });

  test("a request to an unknown Host → 421 (DNS rebinding), whatever the method", async () => {
    await withoutWrites(async () => {
      const host = { headers: { host: "attacker.example:3000" } };
      expectError(await request("GET", "/api/tables", undefined, host), 421, "misdirected_request");
      expectError(await request("POST", "/api/tables", { name: "x" }, host), 421, "misdirected_request");
    });
  });
});

describe("query strings", () => {
  test("page=0x10, page=%201, limit=1e3, page=+2 → 422, not read as numbers", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    for (const query of ["page=0x10", "page=%201", "limit=1e3", "page=%2B2", "offset=-1", "page=1.5"]) {
      expectError(await api.get(`/api/tables/${t.tableId}/rows?${query}`), 422, "validation_failed");
      expectError(await api.get(`/api/tables?${query}`), 422, "validation_failed");
    }
  });

  test("a parameter given twice → 422 naming it, not one of its values picked", async () => {
    const t = await makeTable({ keys: ["name"], rows: 3 });
    for (const [path, query] of [
      [`/api/tables/${t.tableId}/rows`, "limit=1&limit=2"],
      [`/api/tables/${t.tableId}/rows`, "q=a&limit=5&q=b"],
      ["/api/tables", "page=1&page=1"],
      [`/api/tables/${t.tableId}/export`, "q=a&q=b"],
    ] as const) {
      const res = await api.get(`${path}?${query}`);
      expectError(res, 422, "validation_failed");
      const repeated = query.split("&")[0].split("=")[0];
      expect(res.body.error.details).toEqual([{ path: repeated, message: "Given 2 times; give it once" }]);
    }
  });

  test("a parameter a read does not take → 422 naming it, also on reads that take none", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    for (const path of [
      `/api/tables/${t.tableId}`,
      `/api/tables/${t.tableId}/columns`,
      `/api/tables/${t.tableId}/views`,
      `/api/tables/${t.tableId}/providers`,
      "/api/providers",
      "/api/workspaces",
      "/api/workspace/provider-limits",
      `/api/tables/${t.tableId}/rows`,
      "/api/usage",
      "/api/health",
    ]) {
      const res = await api.get(`${path}?bogus=1`);
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details, path).toEqual([{ path: "bogus", message: 'Unrecognized key: "bogus"' }]);
    }
  });

  test("a cursor longer than a URL can carry → 422 saying so", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    const xips = Array.from({ length: 900 }, (_, i) => 1_000_000_000 + i);
    const cursor = `1000000000:2000000000:${xips.join(",")}`;
    const res = await api.get(`/api/tables/${t.tableId}/cells/status?since=${cursor}`);
    expect(expectError(res, 422, "validation_failed").message).toBeDefined();
    expect(JSON.stringify(res.body.error.details)).toContain("at most 8192 characters");
  });
});

describe("POST /api/inngest with junk", () => {
  test("not JSON, no function, no ctx → 400 in the error shape, no stack trace", async () => {
    const bodies: [string, string][] = [
      ["", "junk"],
      ["?fnId=nope", "{}"],
      ["?fnId=glaze-process-enrichment-job&stepId=step", '{"event":1}'],
      ["?fnId=glaze-process-enrichment-job&stepId=step", "[]"],
    ];
    for (const [query, raw] of bodies) {
      const res = await api.post(`/api/inngest${query}`, undefined, { raw });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body)).toEqual(["error"]);
      expect(JSON.stringify(res.body)).not.toMatch(/stack|at \w+ \(/);
    }
  });

  test("a browser's request (a page of another site, no-cors) is refused before any function runs", async () => {
    for (const headers of [
      { origin: "http://evil.test" },
      { "sec-fetch-site": "cross-site" },
      { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" },
    ]) {
      const res = await api.post("/api/inngest?fnId=glaze-settle-cancelled-job&stepId=step", undefined, {
        raw: '{"ctx":{}}',
        headers: { ...(headers as Record<string, string>), "content-type": "text/plain" },
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
  });
});

describe('a column keyed "constructor" (or any name of Object.prototype)', () => {
  test("empty cells stay empty in the tasks API's rowLabel and in the CSV export", async () => {
    const t = await makeTable({ keys: ["constructor", "email"], rows: 2 });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
    });
    const tasks = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${job.jobId}/tasks`);
    expect(tasks.body.data.map((x: { rowLabel: unknown }) => x.rowLabel)).toEqual([null, null]);
    const exported = await api.get(`/api/tables/${t.tableId}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).not.toContain("native code");
    expect(String(exported.body).split("\r\n").slice(1, 3)).toEqual([",", ","]);
  });
});

describe("CSV export neutralises formulas", () => {
  test("cells starting with = + - @ tab or CR get a leading apostrophe; numbers stay numbers", async () => {
    const t = await makeTable({ keys: ["v"], rows: 0 });
    const values = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tx", "\rx", "ok"];
    await api.post(`/api/tables/${t.tableId}/rows`, {
      rows: [...values.map((v) => ({ data: { v } })), { data: { v: -5 } }],
    });
    const exported = parseCsv(String((await api.get(`/api/tables/${t.tableId}/export`)).body)).records;
    expect(exported.slice(1).map((r) => r[0])).toEqual([...values.map((v) => (v === "ok" ? v : `'${v}`)), "-5"]);
    expect(await getDb().row.count({ where: { tableId: t.tableId } })).toBe(8);
    // formulas=keep: the values as they are, for another tool's import (a phone "+1 415 …" too).
    const raw = await api.get(`/api/tables/${t.tableId}/export?formulas=keep`);
    // A view's download has a name of its own.
    const whole = (await api.get(`/api/tables/${t.tableId}/export`)).headers.get("content-disposition");
    const sorted = (await api.get(`/api/tables/${t.tableId}/export?sort=v:desc`)).headers.get("content-disposition");
    const searched = (await api.get(`/api/tables/${t.tableId}/export?q=ok`)).headers.get("content-disposition");
    expect([whole, sorted, searched].map((h) => /filename="([^"]*)"/.exec(h ?? "")?.[1])).toEqual([
      expect.stringMatching(/^[^()]*\.csv$/),
      expect.stringMatching(/ \(sorted\)\.csv$/),
      expect.stringMatching(/ \(filtered\)\.csv$/),
    ]);
    expect(
      parseCsv(String(raw.body))
        .records.slice(1)
        .map((r) => r[0]),
    ).toEqual([...values, "-5"]);
    const bad = await api.get(`/api/tables/${t.tableId}/export?formulas=yes`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(["formulas"]);
  });

  test("an export appended back gives exactly the values exported: the escape apostrophe is removed, one already there kept", async () => {
    const t = await makeTable({ keys: ["v"], rows: 0 });
    const values = ["=SUM(A1)", "+1 hi", "@x", "-2+3", "'=kept", "''+two", "'plain", "-5", "'-5", "ok"];
    await api.post(`/api/tables/${t.tableId}/rows`, { rows: values.map((v) => ({ data: { v } })) });
    const csv = String((await api.get(`/api/tables/${t.tableId}/export`)).body);
    const appended = await api.post(`/api/tables/${t.tableId}/import`, undefined, {
      raw: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(appended.status).toBe(201);
    const rows = await api.get(`/api/tables/${t.tableId}/rows?limit=100`);
    const read = rows.body.data.map((r: { data: { v: string } }) => r.data.v);
    expect(read).toEqual([...values, ...values]);
  });

  test('text that is one number and nothing else is exported as it is (an import\'s "-5" round-trips)', async () => {
    const t = await makeTable({ keys: ["v"], rows: 0 });
    const numbers = ["-5", "+7", "-1.5e3", "+.5"];
    await api.post(`/api/tables/${t.tableId}/rows`, {
      rows: [...numbers, "-5 ", "-0x1"].map((v) => ({ data: { v } })),
    });
    const exported = parseCsv(String((await api.get(`/api/tables/${t.tableId}/export`)).body)).records;
    expect(exported.slice(1).map((r) => r[0])).toEqual([...numbers, "'-5 ", "'-0x1"]);
  });
});

function expectErrorOf(result: Awaited<ReturnType<typeof api.patch>>) {
  expectError(result, 422, "validation_failed");
  return result;
}

describe("writes refuse what they do not take, before they act", () => {
  test("query parameters on a write that takes none → 422 naming them, nothing written", async () => {
    const before = await getDb().table.count();
    const created = await api.post("/api/tables?foo=1&bar=2", { name: "Never" });
    expect(created.status).toBe(422);
    expect(created.body.error.details.map((d: { path: string }) => d.path)).toEqual(["foo", "bar"]);
    expect(await getDb().table.count()).toBe(before);
    const t = await makeTable({ keys: ["fail_phone"], rows: 2 });
    const job = await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: [t.columns.fail_phone] });
    const jobs = await getDb().enrichmentJob.count();
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${job.body.jobId}/cancel?now=1`)).status).toBe(422);
    expect((await api.get(`/api/tables/${t.tableId}/enrich/jobs/${job.body.jobId}`)).body.status).not.toBe("cancelled");
    expect(await getDb().enrichmentJob.count()).toBe(jobs);
    // Writes that take parameters validate them as before.
    const imported = await api.post("/api/tables/import?name=Ok&foo=1", undefined, {
      raw: "a\n1\n",
      headers: { "content-type": "text/csv" },
    });
    expect(imported.status).toBe(422);
  });

  test("a body sent to a write that takes none → 415 unless JSON, 422 naming its keys; nothing or {} is fine", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    const path = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}`;
    const text = await api.delete(path, undefined, { raw: "please", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    const keyed = await api.delete(path, { force: true });
    expect(keyed.status).toBe(422);
    expect(keyed.body.error.details).toEqual([{ path: "force", message: 'Unrecognized key: "force"' }]);
    expect(await getDb().row.count({ where: { tableId: t.tableId } })).toBe(1);
    expect((await api.delete(path, {})).status).toBe(204);
    const other = await makeTable({ keys: ["name"], rows: 1 });
    expect((await api.delete(`/api/tables/${other.tableId}/rows/${other.rowIds[0]}`)).status).toBe(204);
  });
});
