import "../support/no-orchestrator";
import { describe, expect, test } from "vitest";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";
import { EMAIL_RECIPE, jobOver, makeLeads } from "../support/recipes";
import { replicasPerTest } from "../support/replicas";

// Column recipes through PATCH/POST …/columns, and the cell history API.

const replicas = replicasPerTest();

async function leadsTable() {
  const t = await makeTable({ keys: ["name", "company_domain", "email", "job_title"], rows: 1 });
  return {
    ...t,
    patch: (columnKey: string, body: unknown) =>
      api.patch(`/api/tables/${t.tableId}/columns/${t.columns[columnKey]}`, body),
  };
}

describe("PATCH /api/tables/:tableId/columns/:columnId – recipe", () => {
  test("stores the recipe with its defaults; the field comes from the column key", async () => {
    const t = await leadsTable();
    const res = await t.patch("email", { recipe: EMAIL_RECIPE });
    expect(res.status).toBe(200);
    expect(res.body.recipe).toEqual({
      providers: EMAIL_RECIPE.providers,
      inputs: EMAIL_RECIPE.inputs,
      field: "email",
      stopWhen: { minConfidence: 0.7 },
    });
    expect(
      (await api.get(`/api/tables/${t.tableId}`)).body.columns.find((c: { key: string }) => c.key === "email").recipe
        .field,
    ).toBe("email");
    expect(
      (await t.patch("job_title", { recipe: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 0.9 } } })).body.recipe,
    ).toMatchObject({
      field: "title",
      stopWhen: { minConfidence: 0.9 },
    });
  });

  test("deleting a column a recipe reads → 409 naming the recipe's column, nothing deleted; once the recipe is gone it deletes", async () => {
    const t = await leadsTable();
    await t.patch("email", { recipe: EMAIL_RECIPE });
    const domain = `/api/tables/${t.tableId}/columns/${t.columns.company_domain}`;
    const refused = await withoutWrites(() => api.delete(domain));
    expect(expectError(refused, 409, "conflict")).toMatchObject({ details: { readBy: ["email"] } });
    expect(refused.body.error.message).toMatch(/"email" reads "company_domain"/);
    expect((await t.patch("email", { recipe: null })).status).toBe(200);
    expect((await api.delete(domain)).status).toBe(204);
  });

  test("a recipe cannot change while a job enriches the column (409 naming it, nothing changed); the same recipe, a label or the type can", async () => {
    const t = await leadsTable();
    await t.patch("email", { recipe: EMAIL_RECIPE });
    const job = await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: [t.columns.email] });
    expect(job.status).toBe(201);
    for (const recipe of [null, { ...EMAIL_RECIPE, providers: ["pdl.person"] }]) {
      const refused = await withoutWrites(() => t.patch("email", { recipe }));
      expect(expectError(refused, 409, "conflict")).toMatchObject({ details: { jobIds: [job.body.jobId] } });
      expect(refused.body.error.message).toMatch(/being enriched.*cancel it or wait until it ends/);
    }
    expect((await t.patch("email", { recipe: EMAIL_RECIPE, label: "Work email" })).status).toBe(200);
    expect((await t.patch("email", { dataType: "text" })).status).toBe(200);
    // Another column's recipe is not held up; once the job is cancelled, this one changes.
    expect((await t.patch("job_title", { recipe: EMAIL_RECIPE })).status).toBe(200);
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${job.body.jobId}/cancel`)).status).toBe(200);
    expect((await t.patch("email", { recipe: null })).status).toBe(200);
  });

  test("recipe: null goes back to the demo provider", async () => {
    const t = await leadsTable();
    await t.patch("email", { recipe: EMAIL_RECIPE });
    expect((await t.patch("email", { recipe: null })).body.recipe).toBeNull();
  });

  test("POST …/columns takes a recipe too", async () => {
    const t = await leadsTable();
    const res = await api.post(`/api/tables/${t.tableId}/columns`, {
      key: "work_email",
      label: "Work email",
      recipe: { providers: ["llm"], inputs: { fullName: "name" } },
    });
    expect(res.status).toBe(201);
    expect(res.body.recipe).toMatchObject({ providers: ["llm"], field: "email" });
  });

  test.each([
    ["an unknown provider", { providers: ["clearbit"], inputs: EMAIL_RECIPE.inputs }, "recipe.providers.0"],
    ["no provider", { providers: [], inputs: EMAIL_RECIPE.inputs }, "recipe.providers"],
    [
      "a provider twice",
      { providers: ["pdl.person", "pdl.person"], inputs: EMAIL_RECIPE.inputs },
      "recipe.providers.1",
    ],
    [
      "the LLM before another provider",
      { providers: ["llm", "pdl.person"], inputs: EMAIL_RECIPE.inputs },
      "recipe.providers.0",
    ],
    ["an unknown input", { providers: ["pdl.person"], inputs: { phoneNumber: "name" } }, "recipe.inputs.phoneNumber"],
    [
      "an input keyed __proto__ (kept as a key of its own, as a request body has it)",
      { providers: ["pdl.person"], inputs: JSON.parse('{"__proto__":"name"}') },
      "recipe.inputs.__proto__",
    ],
    ["a threshold above 1", { ...EMAIL_RECIPE, stopWhen: { minConfidence: 1.5 } }, "recipe.stopWhen.minConfidence"],
    ["http without its request", { providers: ["http"] }, "recipe.http"],
    ["an unknown field", { ...EMAIL_RECIPE, field: "shoe_size" }, "recipe.field"],
    ["an extra key", { ...EMAIL_RECIPE, retries: 3 }, "recipe.retries"],
    [
      "a secret in the URL (sent as written)",
      {
        providers: ["http"],
        field: "email",
        http: { url: "https://api.example.com/x?k={{secret:nope}}", valuePath: "email" },
      },
      "recipe.http.url",
    ],
    [
      "a secret named in capitals",
      {
        providers: ["http"],
        field: "email",
        http: {
          url: "https://api.example.com/x",
          headers: { Authorization: "Bearer {{secret:Nope}}" },
          valuePath: "email",
        },
      },
      "recipe.http.headers.Authorization",
    ],
  ])("%s → 422, nothing written", async (_name, recipe, path) => {
    const t = await leadsTable();
    await withoutWrites(async () => {
      const res = await t.patch("email", { recipe });
      expectError(res, 422, "validation_failed");
      expect(detailPaths(res)).toContain(path);
    });
  });

  test.each([
    [
      "an input naming no column",
      { providers: ["pdl.person"], inputs: { fullName: "name", domain: "website" } },
      "recipe.inputs.domain",
    ],
    [
      "the column feeding itself",
      { providers: ["pdl.person"], inputs: { fullName: "name", domain: "email" } },
      "recipe.inputs.domain",
    ],
    [
      "a provider without a complete input set",
      { providers: ["hunter.email-finder"], inputs: { fullName: "name" } },
      "recipe.providers.0",
    ],
    [
      "a provider that cannot fill the field",
      { providers: ["hunter.email-finder"], inputs: EMAIL_RECIPE.inputs, field: "industry" },
      "recipe.providers.0",
    ],
    [
      "an HTTP placeholder naming no column",
      { providers: ["http"], http: { url: "https://api.example.com/{{nope}}", valuePath: "v" } },
      "recipe.http",
    ],
  ])("%s (against the table) → 422, nothing written", async (_name, recipe, path) => {
    const t = await leadsTable();
    await withoutWrites(async () => {
      const res = await t.patch("email", { recipe });
      expectError(res, 422, "validation_failed");
      expect(detailPaths(res)).toContain(path);
    });
  });

  test("a column whose key says nothing about its field needs one", async () => {
    const t = await makeTable({ keys: ["name", "company_domain", "misc"], rows: 0 });
    const res = await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.misc}`, {
      recipe: { providers: ["llm"], inputs: { fullName: "name" } },
    });
    expectError(res, 422, "validation_failed");
    expect(detailPaths(res)).toEqual(["recipe.field"]);
  });
});

describe("GET /api/tables/:tableId/rows/:rowId/cells/:columnId", () => {
  test("the value, its winning source and every call of every run, with why each lost or failed", async () => {
    replicas().configure({ hunter: { findRate: 0 }, pdl: { findRate: 1 } });
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "acme.com" }], {
      email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 1 } },
    });
    const first = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellBatch(first.taskIds);
    const second = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellBatch(second.taskIds);
    const res = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({ columnKey: "email", status: "done", recipe: { field: "email" } });
    expect(body.value).toMatch(/@acme\.com$/);
    expect(body.source).toMatchObject({ provider: "pdl.person", aiSynthesised: false });
    expect(body.history.map((r: { taskId: string }) => r.taskId)).toEqual([second.taskIds[0], first.taskIds[0]]);
    const run = body.history[0];
    expect(run).toMatchObject({
      status: "done",
      provider: "pdl.person",
      waterfall: EMAIL_RECIPE.providers,
      minConfidence: 1,
    });
    const [hunter, pdl, apollo] = run.calls;
    expect(hunter).toMatchObject({
      provider: "hunter.email-finder",
      outcome: "not_found",
      verdict: expect.stringMatching(/^not found/),
    });
    expect(pdl).toMatchObject({ provider: "pdl.person", outcome: "found" });
    // The second run was answered from the cache: no charge, and the first run's fetch time.
    const firstPdl = body.history[1].calls.find((c: { provider: string }) => c.provider === "pdl.person");
    expect(firstPdl).toMatchObject({ cached: false, charged: 1 });
    expect(pdl).toMatchObject({ cached: true, credits: 0, charged: 0 });
    expect(Date.parse(pdl.fetchedAt)).toBeLessThanOrEqual(Date.parse(firstPdl.fetchedAt));
    expect(Date.parse(pdl.fetchedAt)).toBeLessThan(Date.parse(pdl.at));
    expect(pdl.verdict).toBe(
      pdl.confidence === 1
        ? "won: first value at or above the threshold (100%)"
        : "won: the most confident value found (none reached 100%)",
    );
    expect(pdl).toEqual(
      expect.objectContaining({
        attempt: 1,
        httpStatus: 200,
        fingerprint: expect.any(String),
        latencyMs: expect.any(Number),
        cost: expect.any(Number),
        rawConfidence: expect.any(Number),
      }),
    );
    if (pdl.confidence === 1) {
      expect(run.notCalled).toEqual([
        {
          provider: "apollo.people-match",
          name: expect.stringContaining("Apollo"),
          reason: "pdl.person's value met the threshold first",
        },
      ]);
    } else {
      expect(apollo.provider).toBe("apollo.people-match");
      expect(apollo.verdict).toMatch(/^(lost: confidence \d+% is below the threshold 100%|not found)/);
    }
  });

  test("a cell of a column without a recipe: the demo provider, no calls", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 1 });
    const job = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellBatch(job.taskIds);
    const res = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`);
    expect(res.body).toMatchObject({
      status: "done",
      source: { provider: "demo", name: "Demo provider", detail: "fake-email-finder" },
    });
    expect(res.body.history[0]).toMatchObject({ provider: "demo", calls: [], waterfall: null });
  });

  test("a skipped cell says which input was missing; a never-enriched cell has no history", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: null }]);
    const res0 = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`);
    expect(res0.body).toMatchObject({ status: null, source: null, history: [] });
    const job = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellBatch(job.taskIds);
    const res = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.email}`);
    expect(res.body).toMatchObject({
      status: "skipped",
      history: [{ status: "skipped", error: "missing input: company_domain", calls: [] }],
    });
    // Each provider of its recipe says what it lacked (the history said nothing of them).
    expect(res.body.history[0]).toMatchObject({ waterfall: EMAIL_RECIPE.providers, minConfidence: 0.7 });
    expect(res.body.history[0].notCalled).toEqual(
      EMAIL_RECIPE.providers.map((provider) => ({
        provider,
        name: expect.not.stringContaining("."),
        reason: "missing input: company_domain",
      })),
    );
    // A view finds skipped cells (no status value matched them).
    const filter = encodeURIComponent(JSON.stringify({ column: "email", op: "cell_status_is", value: "skipped" }));
    const rows = await api.get(`/api/tables/${t.tableId}/rows?filter=${filter}`);
    expect(rows.body.data.map((r: { id: string }) => r.id)).toEqual([t.rowIds[0]]);
  });

  test("unknown row, column of another table or malformed id → 404", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    expectError(
      await api.get(`/api/tables/${t.tableId}/rows/${other.rowIds[0]}/cells/${t.columns.name}`),
      404,
      "not_found",
    );
    expectError(
      await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${other.columns.email}`),
      404,
      "not_found",
    );
    expectError(await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/nope`), 404, "not_found");
  });
});

describe("POST /enrich over a column and a column whose recipe reads it", () => {
  const leads = () =>
    makeLeads(
      [
        { name: "Ada Lovelace", company_domain: "everyone.test" },
        { name: "Alan Turing", company_domain: "everyone.test" },
      ],
      {
        email: EMAIL_RECIPE,
        title: { providers: ["pdl.person"], field: "title", inputs: { email: "email" } },
        location: { providers: ["llm"], field: "location", inputs: { fullName: "name", company: "title" } },
      },
    );

  test("→ 422 with an order of runs that works, on POST /enrich and its estimate; nothing created; each alone is fine", async () => {
    const t = await leads();
    const body = { columnIds: [t.columns.location, t.columns.title, t.columns.email] };
    const both = await withoutWrites(() => api.post(`/api/tables/${t.tableId}/enrich`, body));
    expectError(both, 422, "validation_failed");
    expect(both.body.error.message).toMatch(/one run after another: “email”, then “title”, then “location”$/);
    expect(both.body.error.details).toEqual([
      { path: "columnIds", message: "“title” (title) reads “email” (email), which this run also fills" },
      { path: "columnIds", message: "“location” (location) reads “title” (title), which this run also fills" },
    ]);
    expectError(await api.post(`/api/tables/${t.tableId}/enrich/estimate`, body), 422, "validation_failed");
    for (const column of ["email", "title", "location"]) {
      expect((await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: [t.columns[column]] })).status).toBe(201);
    }
  });

  test("cells: refused only when one row has both the cell read and the cell reading it", async () => {
    const t = await leads();
    const [r1, r2] = t.rowIds;
    const sameRow = await withoutWrites(() =>
      api.post(`/api/tables/${t.tableId}/enrich`, {
        cellIds: [
          { rowId: r1, columnId: t.columns.email },
          { rowId: r1, columnId: t.columns.title },
        ],
      }),
    );
    expectError(sameRow, 422, "validation_failed");
    expect(sameRow.body.error.details[0].path).toBe("cellIds");
    const otherRows = await api.post(`/api/tables/${t.tableId}/enrich`, {
      cellIds: [
        { rowId: r1, columnId: t.columns.email },
        { rowId: r2, columnId: t.columns.title },
      ],
    });
    expect(otherRows.status).toBe(201);
    expect(otherRows.body.totalTasks).toBe(2);
  });
});

describe("the LLM fallback's answers", () => {
  test("an answer that does not look like the field (a domain for a LinkedIn URL) is not kept: the cell fails saying so", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "stark.com" }], {
      linkedin: { providers: ["llm"], field: "linkedin_url", inputs: { fullName: "name", domain: "company_domain" } },
    });
    const job = await jobOver(t.tableId, [t.columns.linkedin as string]);
    await runCellBatch(job.taskIds);
    const res = await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}/cells/${t.columns.linkedin}`);
    expect(res.body).toMatchObject({ status: "failed", value: null });
    const [call] = res.body.history[0].calls;
    expect(call).toMatchObject({ provider: "llm", outcome: "not_found" });
    expect(call.error).toMatch(/The model's answer is not a linkedin url/);
  });
});
