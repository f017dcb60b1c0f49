// The deterministic "model": the same messages and response_format always give the same
// content. With a json_schema it returns an instance of that schema filled from the facts
// in the prompt (schema-fill.ts); with json_object, the facts it read; otherwise a sentence.
import { type Fact, readContext } from "./facts";
import { bestFact, requestedNames } from "./match";
import { fillSchema, type Schema } from "./schema-fill";
import { estimateTokens } from "./tokens";

/** Markers in a prompt that trigger the documented finish states. */
export const LLM_TRIGGERS = { refuse: "[[refuse]]", truncate: "[[truncate]]" } as const;

export interface Answer {
  content: string | null;
  refusal: string | null;
  finishReason: "stop" | "length";
}

export interface AnswerRequest {
  messages: unknown[];
  responseFormat: { type?: unknown; json_schema?: { schema?: unknown } } | undefined;
  /** max_completion_tokens, else max_tokens. */
  maxTokens: number | undefined;
}

export function answer(request: AnswerRequest): Answer {
  const { facts, prose } = readContext(request.messages);
  if (prose.includes(LLM_TRIGGERS.refuse)) {
    return { content: null, refusal: "I'm sorry, but I can't help with that request.", finishReason: "stop" };
  }
  const requested = requestedFact(facts, prose);
  let content: string;
  const format = request.responseFormat;
  if (format?.type === "json_schema") {
    content = JSON.stringify(fillSchema((format.json_schema?.schema ?? {}) as Schema, facts, requested));
  } else if (format?.type === "json_object") {
    const known: Record<string, unknown> = {};
    for (const fact of facts) if (!Object.hasOwn(known, fact.path)) known[fact.path] = fact.value;
    content = JSON.stringify(
      requested ? { answer: requested.value, source: requested.path } : { answer: null, facts: known },
    );
  } else {
    content = requested
      ? `${String(requested.value)} (from ${requested.path} in the provided context)`
      : "The provided context does not contain the requested information.";
  }
  // Truncation (a max token limit, or the trigger) cuts the content as a real model stops mid-output.
  const limit = prose.includes(LLM_TRIGGERS.truncate) ? Math.floor(estimateTokens(content) / 2) : request.maxTokens;
  if (limit !== undefined && estimateTokens(content) > limit) {
    return { content: content.slice(0, Math.max(0, limit * 4)), refusal: null, finishReason: "length" };
  }
  return { content, refusal: null, finishReason: "stop" };
}

function requestedFact(facts: Fact[], prose: string): Fact | null {
  for (const name of requestedNames(facts, prose)) {
    const fact = bestFact(name, facts, () => true);
    if (fact) return fact;
  }
  return null;
}
