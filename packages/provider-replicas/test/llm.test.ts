import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { DEFAULT_KEYS, type Replicas, startReplica } from "../src/index";
import { call, postJson } from "./helpers";

const KEY = DEFAULT_KEYS.llm;
const AUTH = { authorization: `Bearer ${KEY}` };

/** A Glaze-like answer schema, written in zod and sent as JSON Schema, as the openai SDK does. */
const Answer = z.object({
  value: z.string().nullable(),
  confidence: z.enum(["high", "medium", "low"]),
  basis: z.array(z.string()),
  reasoning: z.string(),
});

function schemaFormat(name: string, schema: object, strict = true) {
  return { type: "json_schema", json_schema: { name, strict, schema } };
}

const ROW = {
  first_name: "Ada",
  last_name: "Lovelace",
  company: "Analytical Engines",
  email: "ada@engines.test",
  title: "Chief Mathematician",
};

function messages(task: string, row: object = ROW) {
  return [
    { role: "system", content: `You enrich spreadsheet rows. ${task} Answer in the requested JSON schema.` },
    { role: "user", content: `Row:\n${JSON.stringify(row)}` },
  ];
}

describe("OpenAI-compatible chat completions replica", () => {
  let llm: Replicas<"llm">;
  const complete = (body: object, headers: Record<string, string> = AUTH) =>
    postJson(`${llm.urls.llm}/chat/completions`, body, headers);

  beforeAll(async () => {
    llm = await startReplica("llm", { port: 0 });
  });
  afterAll(() => llm.close());
  beforeEach(() => {
    llm.configure({ llm: { credits: 1_000_000_000, requestsPerMinute: 500, tokensPerMinute: 200_000, faults: [] } });
    llm.reset();
  });

  test("GET /v1/models – lists the configured model; GET /v1/models/{id} → the model or 404", async () => {
    const list = await call(`${llm.urls.llm}/models`, { headers: AUTH });
    expect(list.body).toEqual({
      object: "list",
      data: [{ id: "gpt-4o-mini", object: "model", created: 1_700_000_000, owned_by: "glaze-replica" }],
    });
    expect((await call(`${llm.urls.llm}/models/gpt-4o-mini`, { headers: AUTH })).body.id).toBe("gpt-4o-mini");
    expect((await call(`${llm.urls.llm}/models/gpt-9`, { headers: AUTH })).status).toBe(404);
  });

  test("POST /v1/chat/completions – a strict json_schema → content that parses and validates, answered from the row", async () => {
    const reply = await complete({
      model: "gpt-4o-mini",
      messages: messages("Find the person's email."),
      response_format: schemaFormat("answer", z.toJSONSchema(Answer, { target: "draft-7" })),
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini", system_fingerprint: null });
    expect(reply.body.id).toMatch(/^chatcmpl-/);
    const [choice] = reply.body.choices;
    expect(choice).toMatchObject({
      index: 0,
      finish_reason: "stop",
      logprobs: null,
      message: { role: "assistant", refusal: null },
    });
    const parsed = Answer.parse(JSON.parse(choice.message.content));
    expect(parsed).toEqual({
      value: "ada@engines.test",
      confidence: "high",
      basis: ["email"],
      reasoning: "Answered from the provided context: email.",
    });
  });

  test("POST /v1/chat/completions – asked for something the context lacks → value null and the schema's lowest enum", async () => {
    const reply = await complete({
      model: "gpt-4o-mini",
      messages: messages("Find the person's phone number."),
      response_format: schemaFormat("answer", z.toJSONSchema(Answer, { target: "draft-7" })),
    });
    expect(Answer.parse(JSON.parse(reply.body.choices[0].message.content))).toMatchObject({
      value: null,
      confidence: "low",
      basis: [],
    });
  });

  test("POST /v1/chat/completions – property names are matched to context facts (title → title, company_name → company)", async () => {
    const Person = z.object({
      job_title: z.string().nullable(),
      company_name: z.string().nullable(),
      work_email: z.string().nullable(),
      linkedin_url: z.string().nullable(),
    });
    const reply = await complete({
      model: "gpt-4o-mini",
      messages: messages("Fill in what you know."),
      response_format: schemaFormat("person", z.toJSONSchema(Person, { target: "draft-7" })),
    });
    expect(Person.parse(JSON.parse(reply.body.choices[0].message.content))).toEqual({
      job_title: "Chief Mathematician",
      company_name: "Analytical Engines",
      work_email: "ada@engines.test",
      linkedin_url: null,
    });
  });

  test("POST /v1/chat/completions – any schema (nested objects, integer ranges, arrays with minItems, anyOf, $defs, enums) is satisfied", async () => {
    const schema = {
      type: "object",
      additionalProperties: false,
      required: ["email", "confidence", "source", "notes", "company", "tags", "verified", "choice"],
      properties: {
        email: { type: ["string", "null"] },
        confidence: { type: "integer", minimum: 0, maximum: 100 },
        source: { type: "string", enum: ["hunter", "pdl", "apollo"] },
        notes: { type: ["string", "null"] },
        company: { $ref: "#/$defs/company" },
        tags: { type: "array", items: { type: "string", minLength: 2 }, minItems: 2, maxItems: 3 },
        verified: { type: "boolean" },
        choice: {
          anyOf: [
            { type: "number", minimum: 5 },
            { type: "string", enum: ["none"] },
          ],
        },
      },
      $defs: {
        company: {
          type: "object",
          additionalProperties: false,
          required: ["name", "size"],
          properties: { name: { type: "string" }, size: { type: "number", exclusiveMinimum: 0 } },
        },
      },
    };
    const reply = await complete({
      model: "gpt-4o-mini",
      messages: messages("Guess the email."),
      response_format: schemaFormat("email_guess", schema),
    });
    const content = JSON.parse(reply.body.choices[0].message.content);
    const validated = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(content);
    expect(validated.error).toBeUndefined();
    expect(content.email).toBe("ada@engines.test");
    expect(content.confidence).toBe(90);
    expect(content.company.name).toBe("Analytical Engines");
  });

  test("POST /v1/chat/completions – the same request twice → the same content", async () => {
    const body = {
      model: "gpt-4o-mini",
      messages: messages("Return the job title."),
      response_format: schemaFormat("answer", z.toJSONSchema(Answer, { target: "draft-7" })),
    };
    const [a, b] = await Promise.all([complete(body), complete(body)]);
    expect(a.body.choices[0].message.content).toBe(b.body.choices[0].message.content);
    expect(JSON.parse(a.body.choices[0].message.content).value).toBe("Chief Mathematician");
  });

  test("POST /v1/chat/completions – usage counts prompt and completion tokens; the key's quota is billed in tokens", async () => {
    const reply = await complete({ model: "gpt-4o-mini", messages: messages("Find the email.") });
    const { prompt_tokens, completion_tokens, total_tokens } = reply.body.usage;
    expect(prompt_tokens).toBeGreaterThan(10);
    expect(completion_tokens).toBeGreaterThan(0);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);
    expect(llm.stats().llm.creditsBilled).toBe(total_tokens);
    expect(reply.body.choices[0].message.content).toContain("ada@engines.test");
  });

  test("POST /v1/chat/completions – a strict schema OpenAI would refuse → 400 invalid_request_error on response_format", async () => {
    const cases: [object, RegExp][] = [
      [{ type: "array", items: { type: "string" } }, /type: "object"/],
      [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        /'additionalProperties' is required/,
      ],
      [
        {
          type: "object",
          additionalProperties: false,
          properties: { a: { type: "string" }, b: { type: "string" } },
          required: ["a"],
        },
        /Missing 'b'/,
      ],
      [
        { type: "object", additionalProperties: false, properties: {}, required: [], allOf: [] },
        /'allOf' is not permitted/,
      ],
    ];
    for (const [schema, message] of cases) {
      const reply = await complete({
        model: "gpt-4o-mini",
        messages: messages("x"),
        response_format: schemaFormat("bad", schema),
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ type: "invalid_request_error", param: "response_format", code: null });
      expect(reply.body.error.message).toMatch(/^Invalid schema for response_format 'bad': /);
      expect(reply.body.error.message).toMatch(message);
    }
    const lax = await complete({
      model: "gpt-4o-mini",
      messages: messages("x"),
      response_format: schemaFormat("lax", { type: "object", properties: { a: { type: "string" } } }, false),
    });
    expect(lax.status).toBe(200);
  });

  test("POST /v1/chat/completions – missing or wrong bearer key → 401 in the error envelope", async () => {
    const missing = await complete({ model: "gpt-4o-mini", messages: messages("x") }, {});
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ type: "invalid_request_error", param: null, code: null });
    const wrong = await complete(
      { model: "gpt-4o-mini", messages: messages("x") },
      { authorization: "Bearer sk-wrong-key-123456" },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
    expect(wrong.body.error.message).toBe("Incorrect API key provided: sk-*********3456.");
  });

  test("POST /v1/chat/completions – an unknown model → 404 model_not_found; bad bodies → 400", async () => {
    const unknown = await complete({ model: "gpt-9", messages: messages("x") });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("model_not_found");
    const noMessages = await complete({ model: "gpt-4o-mini" });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body.error).toMatchObject({ code: "missing_required_parameter", param: "messages" });
    const notJson = await call(`${llm.urls.llm}/chat/completions`, { method: "POST", headers: AUTH, body: "{" });
    expect(notJson.status).toBe(400);
  });

  test("POST /v1/chat/completions – over requests per minute → 429 rate_limit_exceeded with retry-after and x-ratelimit-* headers", async () => {
    llm.configure({ llm: { requestsPerMinute: 2 } });
    const body = { model: "gpt-4o-mini", messages: messages("x") };
    const first = await complete(body);
    expect(first.headers.get("x-ratelimit-limit-requests")).toBe("2");
    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    expect(first.headers.get("x-ratelimit-limit-tokens")).toBe("200000");
    expect(first.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+(ms|s)$/);
    await complete(body);
    const refused = await complete(body);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: "requests", param: null, code: "rate_limit_exceeded" });
    expect(refused.body.error.message).toMatch(
      /^Rate limit reached for gpt-4o-mini .* on requests per min \(RPM\): Limit 2, Used 2/,
    );
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(llm.stats().llm.rateLimited).toBe(1);
  });

  test("POST /v1/chat/completions – over tokens per minute → 429 rate_limit_exceeded of type tokens", async () => {
    const body = { model: "gpt-4o-mini", messages: messages("x"), max_tokens: 50 };
    const { prompt_tokens } = (await complete(body)).body.usage;
    llm.reset();
    // Room for exactly one request: OpenAI counts the prompt plus max_tokens against the limit.
    llm.configure({ llm: { tokensPerMinute: prompt_tokens + 50 } });
    expect((await complete(body)).status).toBe(200);
    const refused = await complete(body);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: "tokens", code: "rate_limit_exceeded" });
  });

  test("POST /v1/chat/completions – quota used up → 429 insufficient_quota", async () => {
    llm.configure({ llm: { credits: 1 } });
    expect((await complete({ model: "gpt-4o-mini", messages: messages("x") })).status).toBe(200);
    const refused = await complete({ model: "gpt-4o-mini", messages: messages("x") });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: "insufficient_quota", code: "insufficient_quota", param: null });
    expect(refused.headers.get("x-should-retry")).toBe("false");
  });

  test("POST /v1/chat/completions – [[refuse]] → refusal with null content; [[truncate]] or a small max_tokens → finish_reason length", async () => {
    const format = schemaFormat("answer", z.toJSONSchema(Answer, { target: "draft-7" }));
    const refusal = await complete({ model: "gpt-4o-mini", messages: messages("[[refuse]]"), response_format: format });
    expect(refusal.body.choices[0].message).toMatchObject({ content: null, refusal: expect.any(String) });
    const truncated = await complete({
      model: "gpt-4o-mini",
      messages: messages("[[truncate]] Find the email."),
      response_format: format,
    });
    expect(truncated.body.choices[0].finish_reason).toBe("length");
    expect(() => JSON.parse(truncated.body.choices[0].message.content)).toThrow();
    const short = await complete({
      model: "gpt-4o-mini",
      messages: messages("Find the email."),
      response_format: format,
      max_completion_tokens: 3,
    });
    expect(short.body.choices[0].finish_reason).toBe("length");
    expect(short.body.usage.completion_tokens).toBeLessThanOrEqual(3);
  });

  test("POST /v1/chat/completions – json_object mode → a JSON object; an injected 503 → server_error envelope", async () => {
    const reply = await complete({
      model: "gpt-4o-mini",
      messages: messages("What is the company?"),
      response_format: { type: "json_object" },
    });
    expect(JSON.parse(reply.body.choices[0].message.content)).toEqual({
      answer: "Analytical Engines",
      source: "company",
    });
    llm.configure({ llm: { faults: [{ status: 503, rate: 1 }] } });
    const fault = await complete({ model: "gpt-4o-mini", messages: messages("x") });
    expect(fault.status).toBe(503);
    expect(fault.body.error).toMatchObject({ type: "server_error", param: null, code: null });
  });
});
