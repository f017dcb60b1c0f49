import "../support/no-orchestrator";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { getDb } from "@/lib/db";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { jobOver, makeLeads } from "../support/recipes";
import { startTestReplicas, TEST_SECRET_KEY, type TestReplicas } from "../support/replicas";

// GET /api/providers and PUT/DELETE /api/providers/:providerId/credentials. Keys are stored
// encrypted, answered as their last 4 characters only, and never appear in a response or a log.

let replicas: TestReplicas;
beforeAll(async () => {
  replicas = await startTestReplicas();
});
afterAll(() => replicas.close());
beforeEach(() => {
  replicas.restore();
  process.env.GLAZE_SECRET_KEY = TEST_SECRET_KEY;
});

const providerOf = async (id: string) =>
  (await api.get("/api/providers")).body.data.find((p: { id: string }) => p.id === id);

describe("GET /api/providers", () => {
  test("lists every adapter with its fields, inputs, price, rate limit and whether it is configured", async () => {
    const res = await api.get("/api/providers");
    expect(res.status).toBe(200);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([
      "hunter.email-finder",
      "pdl.person",
      "apollo.people-match",
      "http",
      "llm",
    ]);
    const hunter = res.body.data[0];
    expect(hunter).toMatchObject({
      vendor: "hunter",
      name: "Hunter Email Finder",
      configured: true,
      keySource: "deployment",
      last4: null,
      aiSynthesised: false,
      rateLimit: { perSecond: 15, perMinute: 500 },
      price: { unit: "credit" },
    });
    expect(hunter.fields).toContain("email");
    expect(hunter.inputs).toEqual(expect.arrayContaining(["domain", "fullName"]));
    expect(res.body.data[4]).toMatchObject({ id: "llm", aiSynthesised: true, fields: "any" });
  });

  test("a provider with neither a workspace nor a deployment key is not configured", async () => {
    const before = process.env.GLAZE_APOLLO_API_KEY;
    delete process.env.GLAZE_APOLLO_API_KEY;
    try {
      expect(await providerOf("apollo.people-match")).toMatchObject({ configured: false, keySource: "none" });
    } finally {
      process.env.GLAZE_APOLLO_API_KEY = before;
    }
  });

  test("demo mode: providers npm run dev pointed at the replicas are marked", async () => {
    process.env.GLAZE_DEMO_PROVIDERS = "hunter,pdl";
    try {
      const res = await api.get("/api/providers");
      expect(res.body.demo).toBe(true);
      expect(res.body.data.map((p: { demo: boolean }) => p.demo)).toEqual([true, true, false, false, false]);
    } finally {
      delete process.env.GLAZE_DEMO_PROVIDERS;
    }
  });
});

describe("PUT /api/providers/:providerId/credentials", () => {
  test("stores the key encrypted and answers only its last 4 characters; the provider is then configured by the workspace", async () => {
    const res = await api.put("/api/providers/pdl/credentials", {
      apiKey: "pdl-workspace-key-000000000000000000000000000000000000000000wxyz",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      provider: "pdl",
      name: "default",
      last4: "wxyz",
      configured: true,
      updatedAt: expect.any(String),
    });
    expect(await providerOf("pdl.person")).toMatchObject({
      configured: true,
      keySource: "workspace",
      last4: "wxyz",
      demo: false,
    });
    const stored = await getDb().providerCredential.findFirstOrThrow({ where: { provider: "pdl" } });
    expect(Buffer.from(stored.ciphertext).toString("latin1")).not.toContain("pdl-workspace-key");
  });

  test("the workspace's key is the one its calls use (the replica refuses keys it does not know)", async () => {
    replicas.configure({ hunter: { keys: ["the-workspace-hunter-key"], keyPrefix: null } });
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }]);
    const first = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellBatch(first.taskIds);
    const refused = await getDb().providerCall.findFirstOrThrow({
      where: { taskId: first.taskIds[0], provider: "hunter.email-finder" },
    });
    expect(refused).toMatchObject({ outcome: "unauthorized", httpStatus: 401 });
    // The refusal stopped Hunter for that job and told the workspace; a new key clears the alert.
    expect((await providerOf("hunter.email-finder")).alert).toMatchObject({ kind: "unauthorized" });
    expect((await api.put("/api/providers/hunter/credentials", { apiKey: "the-workspace-hunter-key" })).status).toBe(
      200,
    );
    expect((await providerOf("hunter.email-finder")).alert).toBeNull();
    const second = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellBatch(second.taskIds);
    const used = await getDb().providerCall.findFirstOrThrow({
      where: { taskId: second.taskIds[0], provider: "hunter.email-finder" },
    });
    expect(used.outcome).toBe("found");
  });

  test("an HTTP column whose secret is missing does not stop the job's other HTTP columns (each is its own API)", async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.headers.authorization === "Bearer good-token" ? 200 : 401, {
        "content-type": "application/json",
      });
      res.end(JSON.stringify({ email: "someone@example.com" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    vi.stubEnv("GLAZE_ALLOW_PRIVATE_HTTP", "1");
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/find`;
      await api.put("/api/providers/http/credentials", { apiKey: "good-token", name: "good" });
      const http = (secret: string) => ({
        providers: ["http"],
        field: "email" as const,
        http: { url, headers: { Authorization: `Bearer {{secret:${secret}}}` }, valuePath: "email" },
      });
      // A recipe can only be saved with secrets that are stored: this one is removed afterwards.
      await api.put("/api/providers/http/credentials", { apiKey: "gone-token", name: "removed-later" });
      const t = await makeLeads(
        [1, 2, 3].map((i) => ({ name: `Person ${i}`, company_domain: "everyone.test" })),
        { work: http("good"), other: http("removed-later") },
      );
      expect((await api.delete("/api/providers/http/credentials?name=removed-later")).status).toBe(204);
      const { taskIds } = await jobOver(t.tableId, [t.columns.work as string, t.columns.other as string]);
      const tasks = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: taskIds } } });
      const of = (column: string) => tasks.filter((x) => x.columnId === t.columns[column]).map((x) => x.id);
      // The column without its secret runs first and is refused …
      await runCellBatch(of("other"));
      // … and the other column's cells still call their API.
      await runCellBatch(of("work"));
      const after = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: taskIds } } });
      const statuses = (column: string) => after.filter((x) => x.columnId === t.columns[column]).map((x) => x.status);
      expect(statuses("other")).toEqual(["failed", "failed", "failed"]);
      expect(statuses("work")).toEqual(["done", "done", "done"]);
    } finally {
      expect((await api.delete("/api/providers/http/credentials?name=good")).status).toBe(204);
      vi.unstubAllEnvs();
      process.env.GLAZE_SECRET_KEY = TEST_SECRET_KEY;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("an HTTP column's failure says what its API answered: a 404 from a wrong URL is told from a missing value", async () => {
    const server = createServer((req, res) => {
      if (req.url?.startsWith("/wrong")) {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("no such route");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: {} }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    vi.stubEnv("GLAZE_ALLOW_PRIVATE_HTTP", "1");
    try {
      const origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const http = (path: string) => ({
        providers: ["http"],
        field: "email" as const,
        http: { url: `http://${origin}${path}?d={{company_domain}}`, headers: {}, valuePath: "data.email" },
      });
      const t = await makeLeads([{ name: "Ada", company_domain: "everyone.test" }], {
        wrong: http("/wrong"),
        empty: http("/find"),
      });
      const { taskIds } = await jobOver(t.tableId, [t.columns.wrong as string, t.columns.empty as string]);
      await runCellBatch(taskIds);
      const tasks = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: taskIds } } });
      const errorOf = (column: string) => tasks.find((x) => x.columnId === t.columns[column])?.error;
      expect(errorOf("wrong")).toBe(`No value found (http: not found (${origin} answered 404))`);
      expect(errorOf("empty")).toBe("No value found (http: not found (No value at data.email))");
    } finally {
      vi.unstubAllEnvs();
      process.env.GLAZE_SECRET_KEY = TEST_SECRET_KEY;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a recipe naming a secret that is not stored → 422 naming its header, nothing saved", async () => {
    const t = await makeLeads([{ name: "Ada", company_domain: "everyone.test" }], { email: null });
    const recipe = {
      providers: ["http"],
      field: "email",
      http: {
        url: "https://api.example.com/find?d={{company_domain}}",
        headers: { Authorization: "Bearer {{secret:nosuch}}", "X-Other": "{{secret:nosuch}}-{{secret:alsonot}}" },
        valuePath: "email",
      },
    };
    const created = await withoutWrites(() =>
      api.post(`/api/tables/${t.tableId}/columns`, { key: "found", label: "Found", recipe }),
    );
    expectError(created, 422, "validation_failed");
    expect(created.body.error.message).toMatch(/has not stored: nosuch, alsonot\. Store them first/);
    expect(created.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      "recipe.http.headers.Authorization",
      "recipe.http.headers.X-Other",
      "recipe.http.headers.X-Other",
    ]);
    const patched = await withoutWrites(() =>
      api.patch(`/api/tables/${t.tableId}/columns/${t.columns.email}`, { recipe }),
    );
    expectError(patched, 422, "validation_failed");
  });

  test("HTTP secrets are named, and listed by name with their last 4", async () => {
    const res = await api.put("/api/providers/http/credentials", { apiKey: "clearbit-token-5555", name: "clearbit" });
    expect(res.body).toMatchObject({ provider: "http", name: "clearbit", last4: "5555" });
    expect((await api.get("/api/providers")).body.secrets).toEqual([
      { provider: "http", name: "clearbit", last4: "5555", updatedAt: expect.any(String) },
    ]);
  });

  test("unknown provider → 404; bad bodies → 4xx in the one error shape, nothing written", async () => {
    await withoutWrites(async () => {
      expectError(await api.put("/api/providers/clearbit/credentials", { apiKey: "k" }), 404, "not_found");
      expectError(await api.put("/api/providers/hunter/credentials", undefined, { raw: "{" }), 400, "invalid_json");
      expectError(
        await api.put("/api/providers/hunter/credentials", undefined, {
          raw: '{"apiKey":"k"}',
          headers: { "content-type": "text/plain" },
        }),
        415,
        "unsupported_media_type",
      );
      for (const body of [{}, { apiKey: "" }, { apiKey: "has space" }, { apiKey: "k", extra: 1 }, { apiKey: 5 }]) {
        const res = await api.put("/api/providers/hunter/credentials", body);
        expectError(res, 422, "validation_failed");
      }
      expect(detailPaths(await api.put("/api/providers/hunter/credentials", { apiKey: "k", name: "x" }))).toEqual([
        "name",
      ]);
      expect(detailPaths(await api.put("/api/providers/http/credentials", { apiKey: "k" }))).toEqual(["name"]);
    });
  });

  test("a refused key is not echoed in the error", async () => {
    const res = await api.put("/api/providers/hunter/credentials", { apiKey: `secret-${"x".repeat(1000)}` });
    expectError(res, 422, "validation_failed");
    expect(JSON.stringify(res.body)).not.toContain("secret-x");
  });

  test("without GLAZE_SECRET_KEY no key can be stored → 503, nothing written", async () => {
    delete process.env.GLAZE_SECRET_KEY;
    await withoutWrites(async () => {
      expectError(
        await api.put("/api/providers/hunter/credentials", { apiKey: "abcdefgh12345" }),
        503,
        "service_unavailable",
      );
    });
  });

  test("DELETE forgets the key → 204, then 404", async () => {
    await api.put("/api/providers/apollo/credentials", { apiKey: "apollo-key-1234" });
    expect((await api.delete("/api/providers/apollo/credentials")).status).toBe(204);
    expectError(await api.delete("/api/providers/apollo/credentials"), 404, "not_found");
    expect(await providerOf("apollo.people-match")).toMatchObject({ keySource: "deployment" });
  });
});

describe("secrets never leave the server", () => {
  test("no response and no log line carries a stored key, through storing, listing, enriching and reading history", async () => {
    const secrets = ["hunter-SECRET-a1b2c3d4e5", "llm-SECRET-z9y8x7w6v5", "pdl-SECRET-".padEnd(64, "q")];
    replicas.configure({
      hunter: { keys: [secrets[0] as string], keyPrefix: null },
      llm: { keys: [secrets[1] as string], keyPrefix: null },
      pdl: { keys: [secrets[2] as string], keyPrefix: null },
    });
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(
        args
          .map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a)))
          .join(" "),
      );
    };
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(capture),
    );
    const bodies: string[] = [];
    const keep = (res: { body: unknown }) => {
      bodies.push(JSON.stringify(res.body ?? null));
      return res;
    };
    try {
      keep(await api.put("/api/providers/hunter/credentials", { apiKey: secrets[0] }));
      keep(await api.put("/api/providers/llm/credentials", { apiKey: secrets[1] }));
      keep(await api.put("/api/providers/pdl/credentials", { apiKey: secrets[2] }));
      keep(await api.put("/api/providers/http/credentials", { apiKey: "http-SECRET-0000", name: "acme" }));
      const t = await makeLeads(
        [
          { name: "Ada Lovelace", company_domain: "everyone.test" },
          { name: "Nobody Here", company_domain: "unknown.test" },
        ],
        {
          email: {
            providers: ["hunter.email-finder", "pdl.person", "llm"],
            inputs: { fullName: "name", domain: "company_domain" },
          },
        },
      );
      const job = await jobOver(t.tableId, [t.columns.email as string]);
      await runCellBatch(job.taskIds);
      keep(await api.get("/api/providers"));
      keep(await api.get(`/api/tables/${t.tableId}/rows`));
      keep(await api.get(`/api/tables/${t.tableId}/enrich/jobs/${job.jobId}`));
      keep(await api.get(`/api/tables/${t.tableId}/enrich/jobs/${job.jobId}/tasks`));
      keep(await api.get(`/api/tables/${t.tableId}/cells/status`));
      for (const rowId of t.rowIds)
        keep(await api.get(`/api/tables/${t.tableId}/rows/${rowId}/cells/${t.columns.email}`));
      keep(await api.put("/api/providers/hunter/credentials", { apiKey: "bad key with spaces hunter-SECRET" }));
      const history = bodies.at(-2) ?? "";
      expect(history).toContain('"outcome"');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const everything = [...bodies, ...lines].join("\n");
    for (const secret of [...secrets, "http-SECRET-0000"]) expect(everything).not.toContain(secret);
    const calls = JSON.stringify(await getDb().providerCall.findMany());
    for (const secret of secrets) expect(calls).not.toContain(secret);
  });
});
