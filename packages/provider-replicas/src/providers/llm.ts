// OpenAI-compatible API: POST /v1/chat/completions (Structured Outputs), GET /v1/models and
// GET /v1/models/{id}. Sources: OpenAI's API reference, rate-limits and error-codes guides,
// and real error bodies (see README). Order: key → body → model → schema → quota → rate
// limits → injected fault → answer.
import { randomUUID } from "node:crypto";
import { bearerToken, json, parseJsonObject, type ReplicaResponse } from "../http";
import { answer } from "../llm/answer";
import { strictSchemaProblem } from "../llm/strict-schema";
import { estimateTokens, formatDuration, promptTokens } from "../llm/tokens";
import type { Handled, Handler, ReplicaContext } from "../runtime";

export function openAiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
  headers?: Record<string, string>,
): ReplicaResponse {
  return json(status, { error: { message, type, param, code } }, headers);
}

function faultError(status: number, headers: Record<string, string>): ReplicaResponse {
  if (status === 429) {
    return openAiError(429, "Rate limit reached. Please try again in 1s.", "requests", "rate_limit_exceeded", null, {
      ...headers,
      "retry-after": "1",
      "x-should-retry": "true",
    });
  }
  if (status === 503)
    return openAiError(
      503,
      "The engine is currently overloaded, please try again later.",
      "server_error",
      null,
      null,
      headers,
    );
  if (status >= 500) {
    return openAiError(
      status,
      "The server had an error while processing your request. Sorry about that!",
      "server_error",
      null,
      null,
      headers,
    );
  }
  return openAiError(status, `Request failed with status ${status}.`, "invalid_request_error", null, null, headers);
}

/** "sk-abc…xyz" as OpenAI masks it in "Incorrect API key provided". */
function mask(key: string): string {
  return key.length <= 8 ? key : `${key.slice(0, 3)}*********${key.slice(-4)}`;
}

export const llmHandler: Handler<"llm"> = (req, ctx) => {
  const endpoint = req.path.startsWith("/v1/models/")
    ? `${req.method} /v1/models/{model}`
    : `${req.method} ${req.path}`;
  const done = (response: ReplicaResponse, extra: Omit<Handled["outcome"], "endpoint"> = {}): Handled => ({
    response,
    outcome: { endpoint, ...extra },
  });
  const isModels = req.method === "GET" && (req.path === "/v1/models" || req.path.startsWith("/v1/models/"));
  const isChat = req.method === "POST" && req.path === "/v1/chat/completions";
  if (!isModels && !isChat) {
    return done(openAiError(404, `Invalid URL (${req.method} ${req.path})`, "invalid_request_error"));
  }
  const key = bearerToken(req.headers);
  if (!key) {
    return done(
      openAiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error",
      ),
    );
  }
  if (!ctx.isValidKey(key)) {
    return done(
      openAiError(401, `Incorrect API key provided: ${mask(key)}.`, "invalid_request_error", "invalid_api_key"),
    );
  }
  if (ctx.isForbiddenKey(key)) {
    return done(openAiError(403, "You have insufficient permissions for this operation.", "invalid_request_error"));
  }
  const { models } = ctx.config;
  if (isModels) {
    const listing = models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "glaze-replica" }));
    if (req.path === "/v1/models") return done(json(200, { object: "list", data: listing }));
    const id = decodeURIComponent(req.path.slice("/v1/models/".length));
    const model = listing.find((entry) => entry.id === id);
    return done(model ? json(200, model) : modelNotFound(id));
  }
  return done(...chat(req.body, key, ctx));
};

function modelNotFound(model: string): ReplicaResponse {
  return openAiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    "invalid_request_error",
    "model_not_found",
  );
}

function chat(
  rawBody: string,
  key: string,
  ctx: ReplicaContext<"llm">,
): [ReplicaResponse, Omit<Handled["outcome"], "endpoint">?] {
  const body = parseJsonObject(rawBody);
  if (!body) {
    return [
      openAiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        "invalid_request_error",
      ),
    ];
  }
  if (typeof body.model !== "string" || body.model === "") {
    return [openAiError(400, "you must provide a model parameter", "invalid_request_error")];
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return [
      openAiError(
        400,
        "Missing required parameter: 'messages'.",
        "invalid_request_error",
        "missing_required_parameter",
        "messages",
      ),
    ];
  }
  if (body.stream === true) {
    // Not documented as refused; the replica simply does not stream (see README).
    return [openAiError(400, "stream=true is not supported by this replica.", "invalid_request_error", null, "stream")];
  }
  const model = body.model;
  if (!ctx.config.models.includes(model)) return [modelNotFound(model)];
  const format = body.response_format as
    | { type?: unknown; json_schema?: { name?: unknown; strict?: unknown; schema?: unknown } }
    | undefined;
  if (format?.type === "json_schema") {
    const schemaName = String(format.json_schema?.name ?? "");
    if (!format.json_schema || typeof format.json_schema.schema !== "object") {
      return [
        openAiError(
          400,
          "Missing required parameter: 'response_format.json_schema'.",
          "invalid_request_error",
          "missing_required_parameter",
          "response_format.json_schema",
        ),
      ];
    }
    const problem = format.json_schema.strict === true ? strictSchemaProblem(format.json_schema.schema) : null;
    if (problem) {
      return [
        openAiError(
          400,
          `Invalid schema for response_format '${schemaName}': ${problem}`,
          "invalid_request_error",
          null,
          "response_format",
        ),
      ];
    }
  }

  const { requestsPerMinute, tokensPerMinute } = ctx.config;
  const maxTokens = [body.max_completion_tokens, body.max_tokens].find((value) => typeof value === "number") as
    | number
    | undefined;
  const prompt = promptTokens(body.messages);
  const estimate = prompt + (maxTokens ?? 0);
  const now = ctx.now();
  const headers = (): Record<string, string> => {
    const requestsLeft = Math.floor(ctx.buckets.level(`${key}|requests`, requestsPerMinute, now));
    const tokensLeft = Math.floor(ctx.buckets.level(`${key}|tokens`, tokensPerMinute, now));
    return {
      "x-ratelimit-limit-requests": String(requestsPerMinute),
      "x-ratelimit-limit-tokens": String(tokensPerMinute),
      "x-ratelimit-remaining-requests": String(Math.max(0, requestsLeft)),
      "x-ratelimit-remaining-tokens": String(Math.max(0, tokensLeft)),
      "x-ratelimit-reset-requests": formatDuration(
        ctx.buckets.msUntil(`${key}|requests`, requestsPerMinute, requestsPerMinute, now),
      ),
      "x-ratelimit-reset-tokens": formatDuration(
        ctx.buckets.msUntil(`${key}|tokens`, tokensPerMinute, tokensPerMinute, now),
      ),
      "x-request-id": `req_${randomUUID().replace(/-/g, "")}`,
      "openai-processing-ms": "1",
    };
  };

  if (ctx.creditsLeft(key) === 0) {
    const response = openAiError(
      429,
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
      "insufficient_quota",
      "insufficient_quota",
      null,
      { ...headers(), "x-should-retry": "false" },
    );
    return [response, { outOfCredits: true }];
  }
  const limited = rateLimit(ctx, key, model, estimate, now, headers);
  if (limited) return [limited, { rateLimited: true }];
  ctx.buckets.take(`${key}|requests`, requestsPerMinute, 1, now);

  const fault = ctx.injectedFault();
  if (fault !== undefined) return [faultError(fault, headers()), { rateLimited: fault === 429 }];

  const result = answer({ messages: body.messages, responseFormat: format, maxTokens });
  const completion = estimateTokens(result.content ?? result.refusal ?? "");
  ctx.buckets.take(`${key}|tokens`, tokensPerMinute, prompt + completion, now);
  ctx.ledger.spend(key, prompt + completion);
  return [
    json(
      200,
      {
        id: `chatcmpl-${randomUUID().replace(/-/g, "").slice(0, 24)}`,
        object: "chat.completion",
        created: Math.floor(now / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: result.content, refusal: result.refusal, annotations: [] },
            logprobs: null,
            finish_reason: result.finishReason,
          },
        ],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
        service_tier: "default",
        system_fingerprint: null,
      },
      headers(),
    ),
  ];
}

/** RPM first, then TPM, each a bucket refilled continuously over a minute. */
function rateLimit(
  ctx: ReplicaContext<"llm">,
  key: string,
  model: string,
  estimate: number,
  now: number,
  headers: () => Record<string, string>,
): ReplicaResponse | null {
  const checks: [string, string, number, number, string][] = [
    [`${key}|requests`, "requests", ctx.config.requestsPerMinute, 1, "requests per min (RPM)"],
    [`${key}|tokens`, "tokens", ctx.config.tokensPerMinute, estimate, "tokens per min (TPM)"],
  ];
  for (const [bucket, type, capacity, amount, label] of checks) {
    const wait = ctx.buckets.msUntil(bucket, capacity, amount, now);
    if (wait === 0) continue;
    const used = Math.ceil(capacity - ctx.buckets.level(bucket, capacity, now));
    return openAiError(
      429,
      `Rate limit reached for ${model} in organization org-replica on ${label}: Limit ${capacity}, Used ${used}, Requested ${amount}. Please try again in ${formatDuration(wait)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      type,
      "rate_limit_exceeded",
      null,
      { ...headers(), "retry-after": String(Math.max(1, Math.ceil(wait / 1000))), "x-should-retry": "true" },
    );
  }
  return null;
}
