import "server-only";
import OpenAI, { APIConnectionError, APIError } from "openai";
import { ContentFilterFinishReasonError, LengthFinishReasonError } from "openai/core/error";
import { zodResponseFormat } from "openai/helpers/zod";
import type { Adapter, ContextEntry } from "../adapter";
import { catalogEntry } from "../catalog";
import { BadInput, NotFound, OutOfCredits, ProviderError, RateLimited, Transient, Unauthorized } from "../errors";
import type { FieldName } from "../types";
import { buildPrompt, groundBasis, llmAnswerSchema } from "./llm-prompt";

// The LLM fallback: any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM) by
// base URL and model. Structured Outputs with a strict JSON schema; the answer is validated
// with zod. Its only context is the row's mapped inputs and the other providers' answers for
// this row; the citations it gives (`basis`) are checked against that context, and an answer
// that cites nothing it was given counts as low confidence. Its values are AI-synthesised.
// The client's own retries are off (maxRetries: 0): the engine classifies and retries.

const CONFIDENCE = { high: 0.8, medium: 0.6, low: 0.3 } as const;

/** gpt-4o-mini list prices (USD per token), the default model's (catalog.ts). */
const USD_PER_INPUT_TOKEN = 0.15 / 1_000_000;
const USD_PER_OUTPUT_TOKEN = 0.6 / 1_000_000;

/** Reads "1s", "6m0s", "17ms" (x-ratelimit-reset-*) as milliseconds. */
function durationMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  let total = 0;
  let matched = false;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    matched = true;
    total += Number(amount) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[unit as "ms"];
  }
  return matched ? Math.round(total) : undefined;
}

function classify(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof LengthFinishReasonError)
    return BadInput("The model's answer was cut off (finish_reason length)");
  if (error instanceof ContentFilterFinishReasonError)
    return BadInput("The model's answer was filtered (content_filter)");
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const at = { httpStatus: status };
    const message = (error.message || `HTTP ${status}`).slice(0, 300);
    if (status === 429) {
      if (error.code === "insufficient_quota" || error.type === "insufficient_quota") {
        return OutOfCredits(`The LLM's quota is used up: ${message}`, at);
      }
      const h = error.headers;
      const retryMs = Number(h?.get("retry-after-ms"));
      const retrySeconds = Number(h?.get("retry-after"));
      const wait =
        Number.isFinite(retryMs) && h?.has("retry-after-ms")
          ? retryMs
          : Number.isFinite(retrySeconds) && h?.has("retry-after")
            ? retrySeconds * 1000
            : (durationMs(h?.get("x-ratelimit-reset-requests")) ?? 1000);
      return RateLimited(wait, `LLM rate limit: ${message}`, at);
    }
    if (status === 401 || status === 403) return Unauthorized(`The LLM refused the API key: ${message}`, at);
    if (status === 409 || status >= 500) return Transient(`The LLM had an error (${status}): ${message}`, at);
    return BadInput(`The LLM refused the request (${status}): ${message}`, at);
  }
  if (error instanceof APIConnectionError) return Transient(`The LLM could not be reached: ${error.message}`);
  // JSON that does not parse, or an answer the schema refuses.
  return BadInput(
    `The model's answer did not match the schema: ${String((error as Error)?.message ?? error).slice(0, 200)}`,
  );
}

/**
 * What a value of a field must look like for a model's answer to be kept: a model asked for a
 * LinkedIn URL may well answer with the company's domain it was given, which would otherwise
 * win as an AI value. Fields of free text (names, titles, places) take any answer.
 */
const FIELD_SHAPES: Partial<Record<FieldName, RegExp>> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  linkedin_url: /^(https?:\/\/)?([a-z]{2,3}\.)?linkedin\.com\/(in|pub|company)\/[^\s/?#]+\/?([?#]\S*)?$/i,
  twitter_url: /^(https?:\/\/)?(www\.)?(twitter|x)\.com\/[A-Za-z0-9_]{1,15}\/?$/i,
  company_domain: /^(?!https?:)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,}$/i,
  phone: /^\+?[0-9(][0-9 ().-]{5,24}$/,
};

/** Whether `payload` (a provider's answer, as the model saw it) holds the text `value` anywhere. */
function holds(payload: unknown, same: (other: unknown) => boolean, depth = 0): boolean {
  if (same(payload)) return true;
  if (depth >= 6 || !payload || typeof payload !== "object") return false;
  return Object.values(payload).some((inner) => holds(inner, same, depth + 1));
}

/**
 * The surest provider answer of the row's context that holds `value` (case and spaces aside):
 * as its value, or as any other field of its answer the model was shown (Hunter's `position`
 * repeated as a title).
 */
function repeatedFrom(value: string, context: ContextEntry[]): { provider: string; confidence: number } | undefined {
  const wanted = value.trim().toLowerCase();
  const same = (other: unknown) => typeof other === "string" && other.trim().toLowerCase() === wanted;
  let surest: { provider: string; confidence: number } | undefined;
  for (const entry of context) {
    if (typeof entry.confidence !== "number" || !(same(entry.value) || holds(entry.payload, same))) continue;
    if (!surest || entry.confidence > surest.confidence)
      surest = { provider: entry.provider, confidence: entry.confidence };
  }
  return surest;
}

export const llmFallback: Adapter = {
  ...catalogEntry("llm"),

  async call(request, env) {
    const client = new OpenAI({
      apiKey: env.apiKey ?? "",
      baseURL: env.baseUrl,
      maxRetries: 0,
      timeout: env.timeoutMs * 2,
    });
    const prompt = buildPrompt(request);
    const completion = await client.chat.completions
      .parse({
        model: env.model,
        temperature: 0,
        messages: prompt.messages,
        response_format: zodResponseFormat(llmAnswerSchema, "cell_value"),
      })
      .catch((error: unknown) => {
        throw classify(error);
      });
    const usage = completion.usage;
    const tokens = usage?.total_tokens ?? 0;
    const cost = {
      credits: tokens,
      usd: (usage?.prompt_tokens ?? 0) * USD_PER_INPUT_TOKEN + (usage?.completion_tokens ?? 0) * USD_PER_OUTPUT_TOKEN,
    };
    const message = completion.choices[0]?.message;
    if (message?.refusal)
      throw NotFound(`The model refused: ${message.refusal.slice(0, 200)}`, { httpStatus: 200, cost });
    const parsed = message?.parsed;
    if (!parsed) throw BadInput("The model gave no answer", { httpStatus: 200, cost });
    const basis = groundBasis(parsed.basis, prompt.paths);
    const payload = { ...parsed, basis: basis.cited, uncited: basis.uncited };
    if (parsed.value === null || parsed.value.trim() === "") {
      throw NotFound("The model found no value in what it was given", { httpStatus: 200, cost, payload });
    }
    const value = parsed.value.trim();
    const fits = FIELD_SHAPES[request.field];
    if (fits && !fits.test(value)) {
      throw NotFound(`The model's answer is not a ${request.field.replace(/_/g, " ")}: "${value.slice(0, 100)}"`, {
        httpStatus: 200,
        cost,
        payload,
      });
    }
    // An answer that cites nothing it was given is a guess, whatever the model says.
    const label = basis.cited.length > 0 ? parsed.confidence : "low";
    // Nor is a value a provider already found any surer for the model repeating it: it is as
    // sure as the surest provider that found it (Hunter's 48 % came back as the model's 80 %,
    // above the threshold Hunter's answer had missed).
    const repeated = repeatedFrom(value, request.context ?? []);
    return {
      value,
      confidence: Math.min(CONFIDENCE[label], repeated?.confidence ?? 1),
      rawConfidence: parsed.confidence,
      source: `AI-synthesised (${env.model})`,
      cost,
      httpStatus: 200,
      evidence: {
        basis: basis.cited,
        uncited: basis.uncited,
        reasoning: parsed.reasoning.slice(0, 1000),
        ...(repeated ? { repeats: repeated } : {}),
      },
      payload,
    };
  },
};
