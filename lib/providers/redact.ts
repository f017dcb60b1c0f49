// Provider messages end up in cells' errors and histories, which every member reads (viewers
// too). Some quote the credential they refused ("Incorrect API key provided: sk-*****0000"),
// or echo a request's query string. What looks like a credential is replaced with [redacted];
// the exact keys and secrets a call used are too (callProvider knows them).

const PATTERNS: [RegExp, string][] = [
  // OpenAI-style keys, whole or masked (sk-proj-…, sk-***…1234), and Glaze's own.
  [/\b(?:sk|rk|pk)-[A-Za-z0-9_*-]{3,}/g, "[redacted]"],
  [/\bglz_[A-Za-z0-9_-]+/g, "[redacted]"],
  // A masked credential: characters around a run of asterisks.
  [/[A-Za-z0-9_-]*\*{3,}[A-Za-z0-9_*-]*/g, "[redacted]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  // api_key=…, access_token: …, in query strings, headers or JSON quoted in a message.
  [
    /\b((?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret|password|x-api-key)["']?\s*[:=]\s*["']?)[^\s&"',;}]+/gi,
    "$1[redacted]",
  ],
];

/** `text` with credentials (by their look, and the exact `known` ones) replaced by [redacted]. */
export function redactCredentials(text: string, known: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of known) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
