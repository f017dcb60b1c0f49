import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { ContextEntry } from "@/lib/providers/adapter";
import { buildPrompt, groundBasis } from "@/lib/providers/adapters/llm-prompt";
import { callProvider } from "@/lib/providers/call-provider";
import { testAccount } from "../../support/auth";
import { startTestReplicas, type TestReplicas } from "../../support/replicas";

// Provider keys and alerts belong to a workspace: the file's test account's.
let workspaceId = "";
beforeAll(async () => {
  workspaceId = (await testAccount()).workspaceId;
});

// The LLM fallback against the OpenAI-compatible replica: strict structured output, the other
// providers' answers as its only context, citations checked, and every documented error.

let replicas: TestReplicas;
beforeAll(async () => {
  replicas = await startTestReplicas();
});
afterAll(() => replicas.close());
beforeEach(() => {
  replicas.restore();
  process.env.GLAZE_LLM_MODEL = "gpt-4o-mini";
});

const context: ContextEntry[] = [
  {
    provider: "pdl.person",
    field: "title",
    value: "Chief Scientist",
    payload: { full_name: "Ada Lovelace", job_title: "Chief Scientist", work_email: "ada@analytical.io" },
  },
];

const llm = (inputs: Record<string, string>, withContext = true, field = "email" as const) =>
  callProvider({
    workspaceId: workspaceId,
    adapterId: "llm",
    request: { field, inputs, row: {}, ...(withContext ? { context } : {}) },
  });

describe("LLM fallback adapter", () => {
  test("an answer from the context → found, citing the fact it used; the schema passes the strict checks", async () => {
    const r = await llm({ fullName: "Ada Lovelace", domain: "analytical.io" });
    expect(r).toMatchObject({ outcome: "found", httpStatus: 200, value: "ada@analytical.io", rawConfidence: "high" });
    expect(r.confidence).toBe(0.8);
    expect((r.evidence as { basis: string[] }).basis).toContain("sources.pdl_person.work_email");
    expect(r.source).toBe("AI-synthesised (gpt-4o-mini)");
    expect(r.credits).toBeGreaterThan(0);
    expect(r.cost).toBeGreaterThan(0);
    expect(replicas.stats().llm.byStatus).toEqual({ 200: 1 });
  });

  test("a value a provider already found is no surer for the model repeating it: capped at that provider's confidence (Hunter's 48 % came back as 80 %)", async () => {
    const hunter: ContextEntry = {
      provider: "hunter.email-finder",
      field: "email",
      value: "ada@analytical.io",
      payload: { email: "ada@analytical.io", score: 48 },
      confidence: 0.48,
    };
    const r = await callProvider({
      workspaceId,
      adapterId: "llm",
      request: { field: "email", inputs: { fullName: "Ada Lovelace" }, row: {}, context: [hunter] },
    });
    expect(r).toMatchObject({ outcome: "found", value: "ada@analytical.io", rawConfidence: "high" });
    expect(r.confidence).toBe(0.48);
    expect((r.evidence as { repeats: unknown }).repeats).toEqual({ provider: "hunter.email-finder", confidence: 0.48 });
  });

  test("the cap holds for any field of a provider's answer the model repeats (Hunter's position as a title)", async () => {
    const hunter: ContextEntry = {
      provider: "hunter.email-finder",
      field: "email",
      value: "ada@analytical.io",
      payload: { email: "ada@analytical.io", score: 26, position: "VP of Engineering" },
      confidence: 0.26,
    };
    const r = await callProvider({
      workspaceId,
      adapterId: "llm",
      request: { field: "title", inputs: { fullName: "Ada Lovelace" }, row: {}, context: [hunter] },
    });
    expect(r).toMatchObject({ outcome: "found", value: "VP of Engineering" });
    expect((r.evidence as { basis: string[] }).basis).toContain("sources.hunter_email_finder.position");
    expect(r.confidence).toBe(0.26);
    expect((r.evidence as { repeats: unknown }).repeats).toEqual({ provider: "hunter.email-finder", confidence: 0.26 });
  });

  test("nothing in the context → value null → not_found (the tokens are still counted)", async () => {
    const r = await llm({ fullName: "Ada Lovelace" }, false);
    expect(r).toMatchObject({ outcome: "not_found", httpStatus: 200 });
    expect(r.credits).toBeGreaterThan(0);
  });

  test("a refusal → not_found; a cut-off answer (finish_reason length) → bad_input", async () => {
    // The replica refuses or truncates on markers in a prompt's prose, which the adapter never
    // writes, so a small server answers these two documented shapes.
    const answers = [
      { content: null, refusal: "I can't help with that.", finish_reason: "stop" },
      { content: '{"value":"ada@', refusal: null, finish_reason: "length" },
    ];
    const server = http.createServer((req, res) => {
      req.resume();
      const answer = answers.shift();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o-mini",
          choices: [
            {
              index: 0,
              finish_reason: answer?.finish_reason,
              message: { role: "assistant", ...answer },
              logprobs: null,
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const before = process.env.GLAZE_LLM_BASE_URL;
    process.env.GLAZE_LLM_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      expect(await llm({ fullName: "Ada" })).toMatchObject({ outcome: "not_found", credits: 15 });
      expect((await llm({ fullName: "Ada" })).outcome).toBe("bad_input");
    } finally {
      process.env.GLAZE_LLM_BASE_URL = before;
      server.close();
    }
  });

  test("401 → unauthorized; 403 → unauthorized", async () => {
    const before = process.env.GLAZE_LLM_API_KEY;
    process.env.GLAZE_LLM_API_KEY = "sk-wrong-key-1234567890";
    try {
      const refused = await llm({ fullName: "Ada" });
      expect(refused).toMatchObject({ outcome: "unauthorized", httpStatus: 401 });
      // OpenAI quotes the key it refused, masked: every member reads cells' errors, so it goes.
      expect(refused.error).toMatch(/^The LLM refused the API key: 401 Incorrect API key provided: \[redacted\]/);
      expect(refused.error).not.toMatch(/sk-|7890/);
    } finally {
      process.env.GLAZE_LLM_API_KEY = before;
    }
    replicas.configure({ llm: { forbiddenKeys: [process.env.GLAZE_LLM_API_KEY as string] } });
    expect(await llm({ fullName: "Ada" })).toMatchObject({ outcome: "unauthorized", httpStatus: 403 });
  });

  test("404 (unknown model) → bad_input", async () => {
    process.env.GLAZE_LLM_MODEL = "no-such-model";
    expect(await llm({ fullName: "Ada" })).toMatchObject({ outcome: "bad_input", httpStatus: 404 });
  });

  test("429 rate_limit_exceeded → rate_limited with the server's retry-after; insufficient_quota → out_of_credits", async () => {
    replicas.configure({ llm: { requestsPerMinute: 1 } });
    await llm({ fullName: "Ada" });
    const limited = await llm({ fullName: "Ada" });
    expect(limited).toMatchObject({ outcome: "rate_limited", httpStatus: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    replicas.restore();
    replicas.configure({ llm: { credits: 0 } });
    expect(await llm({ fullName: "Ada" })).toMatchObject({ outcome: "out_of_credits", httpStatus: 429 });
    // The client's own retries are off: one request per call.
    expect(replicas.stats().llm.calls).toBe(1);
  });

  test("400 → bad_input; 5xx → transient", async () => {
    replicas.configure({ llm: { faults: [{ status: 400, rate: 1 }] } });
    expect(await llm({ fullName: "Ada" })).toMatchObject({ outcome: "bad_input", httpStatus: 400 });
    replicas.configure({ llm: { faults: [{ status: 503, rate: 1 }] } });
    expect(await llm({ fullName: "Ada" })).toMatchObject({ outcome: "transient", httpStatus: 503 });
  });
});

describe("the LLM's context and citations", () => {
  test("the prompt holds the field, the row's inputs and each provider's answer, and nothing else", () => {
    const prompt = buildPrompt({ field: "email", inputs: { fullName: "Ada" }, row: {}, context });
    const user = prompt.messages[1]?.content ?? "";
    expect(JSON.parse(user.slice(user.indexOf("{")))).toEqual({
      field: "email",
      row: { fullName: "Ada" },
      sources: { pdl_person: context[0]?.payload },
    });
    expect(prompt.paths.has("sources.pdl_person.work_email")).toBe(true);
  });

  test("citations that name nothing it was given are set apart", () => {
    const paths = new Set(["row.fullName", "sources.pdl_person.work_email"]);
    expect(groundBasis(["sources.pdl_person.work_email", "$.row.fullName", "linkedin.com/in/ada"], paths)).toEqual({
      cited: ["sources.pdl_person.work_email", "row.fullName"],
      uncited: ["linkedin.com/in/ada"],
    });
  });
});
