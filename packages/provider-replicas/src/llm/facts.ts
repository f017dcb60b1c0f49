// What the deterministic "model" knows: the facts stated in the system/developer/user
// messages. JSON embedded in a message (the usual way to pass a row as context) is
// flattened into named facts; `Name: value` lines and bare email addresses count too.
// Assistant messages are ignored: the model does not learn from its own answers.

export type FactValue = string | number | boolean | (string | number | boolean)[];

export interface Fact {
  /** Where it came from, e.g. `row.email` or `company` (used to explain an answer). */
  path: string;
  /** The last path segment, normalized to snake_case words. */
  name: string;
  value: FactValue;
}

export interface Context {
  facts: Fact[];
  /** The message text outside any JSON, for finding what is being asked. */
  prose: string;
}

/** "workEmail", "Work-Email", "work email" → "work_email". */
export function normalizeKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part && typeof part === "object" && typeof part.text === "string" ? part.text : ""))
    .join("\n");
}

export function readContext(messages: unknown[]): Context {
  const facts: Fact[] = [];
  const prose: string[] = [];
  for (const message of messages) {
    if (!message || typeof message !== "object") continue;
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (role !== "system" && role !== "developer" && role !== "user") continue;
    const { json, rest } = splitJson(messageText(content));
    for (const value of json) flatten(value, "", facts);
    prose.push(rest);
    facts.push(...lineFacts(rest));
  }
  const text = prose.join("\n");
  for (const email of text.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []) {
    if (!facts.some((fact) => fact.value === email)) facts.push({ path: "email", name: "email", value: email });
  }
  return { facts, prose: text };
}

function flatten(value: unknown, path: string, out: Fact[]): void {
  if (value === null || value === undefined) return;
  const name = normalizeKey(
    path
      .split(".")
      .pop()
      ?.replace(/\[\d+\]$/, "") ?? "",
  );
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    if (name !== "" && value !== "") out.push({ path, name, value });
    return;
  }
  if (Array.isArray(value)) {
    const primitives = value.filter((item) => ["string", "number", "boolean"].includes(typeof item));
    if (primitives.length === value.length) {
      if (name !== "" && value.length > 0) out.push({ path, name, value: primitives });
      return;
    }
    value.forEach((item, i) => {
      flatten(item, `${path}[${i}]`, out);
    });
    return;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    flatten(child, path ? `${path}.${key}` : key, out);
  }
}

/** `Email: jane@acme.com` or `- company = Acme` lines outside JSON. */
function lineFacts(text: string): Fact[] {
  const facts: Fact[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*[-*]?\s*([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*[:=]\s*(\S.*?)\s*$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const name = normalizeKey(match[1]);
    if (name.split("_").length > 4) continue;
    facts.push({ path: name, name, value: match[2] });
  }
  return facts;
}

/** Pulls every parseable JSON object/array out of `text`; returns them and the remaining text. */
export function splitJson(text: string): { json: unknown[]; rest: string } {
  const json: unknown[] = [];
  let rest = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === "{" || char === "[") {
      const end = matchingClose(text, i);
      if (end !== -1) {
        try {
          json.push(JSON.parse(text.slice(i, end + 1)));
          rest += " ";
          i = end + 1;
          continue;
        } catch {
          // Not JSON after all (e.g. "[1] see above"): keep it as prose.
        }
      }
    }
    rest += char;
    i++;
  }
  return { json, rest };
}

/** Index of the bracket closing the one at `start`, skipping string literals; -1 if none. */
function matchingClose(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
