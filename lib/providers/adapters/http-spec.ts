import { z } from "zod";

// How a column calls any JSON API (the HTTP provider): method, URL template with {{column_key}}
// placeholders, headers that may reference stored secrets ({{secret:name}}), an optional JSON
// body template, and JSON paths to the value and the confidence. Pure: the grid uses it too.

export const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]{0,62})\s*\}\}/g;
export const SECRET_REF = /\{\{\s*secret:([a-z0-9][a-z0-9_-]{0,62})\s*\}\}/g;
/** A whole `{{…}}` that is a placeholder, or a secret reference (no `g`: tested one at a time). */
const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);
const WHOLE_SECRET_REF = new RegExp(`^${SECRET_REF.source}$`);
/** A JSON path as a dotted list of keys and [index]es: `data.email`, `results[0].score`. */
export const JSON_PATH = /^[A-Za-z_$][\w$-]*(\[\d+\])*(\.[A-Za-z_$][\w$-]*(\[\d+\])*)*$/;

const template = z.string().max(4000);

export const httpSpecSchema = z
  .strictObject({
    method: z.enum(["GET", "POST"]).default("GET"),
    url: template
      .min(1)
      .refine((url) => /^https?:\/\//i.test(url), "must start with http:// or https://")
      .describe("URL template; {{column_key}} placeholders are replaced by the row's values, URL-encoded"),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be a header name"), template)
      .refine((h) => Object.keys(h).length <= 20, "at most 20 headers")
      .default({})
      .describe("Header templates; {{secret:name}} inserts a stored secret, {{column_key}} a value"),
    body: template.optional().describe("POST body template (JSON); placeholders are inserted as JSON strings"),
    valuePath: z.string().max(200).regex(JSON_PATH, "must be a path like data.email or results[0].email"),
    confidencePath: z
      .string()
      .max(200)
      .regex(JSON_PATH, "must be a path like data.score")
      .optional()
      .describe("Where the answer's confidence is: 0..1, or 0..100 (divided by 100)"),
    confidence: z.number().min(0).max(1).default(0.8).describe("Confidence of a value when no confidencePath is given"),
  })
  .superRefine((spec, ctx) => {
    // Anything between {{ }} that is neither a column placeholder nor (in a header) a secret
    // would be sent as written: {{secret:x}} in the URL or body, {{secret:Upper}}, {{ Name }}.
    const unread = (text: string, secrets: boolean) =>
      [...text.matchAll(/\{\{[^}]*\}\}/g)]
        .map((m) => m[0])
        .filter((ref) => !WHOLE_PLACEHOLDER.test(ref))
        .filter((ref) => !(secrets && WHOLE_SECRET_REF.test(ref)));
    const where: [(string | number)[], string, boolean][] = [
      [["url"], spec.url, false],
      ...(spec.body !== undefined ? [[["body"], spec.body, false] as [(string | number)[], string, boolean]] : []),
      ...Object.entries(spec.headers).map(
        ([name, value]) => [["headers", name], value, true] as [(string | number)[], string, boolean],
      ),
    ];
    for (const [path, text, secrets] of where) {
      for (const ref of unread(text, secrets)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: /secret:/i.test(ref)
            ? `${ref}: secrets go in headers only, named in lower case ({{secret:name}})`
            : `${ref}: not a column key (lower case, a-z, 0-9 and _)`,
        });
      }
    }
    if (secretsOf(spec).length > 0 && /\{\{/.test(originTemplateOf(spec.url))) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: "a request that sends a secret must write out its host: no {{placeholders}} before the path",
      });
    }
  });
export type HttpSpec = z.output<typeof httpSpecSchema>;

/** The column keys a spec's templates read. */
export function placeholdersOf(spec: Pick<HttpSpec, "url" | "headers" | "body">): string[] {
  const texts = [spec.url, ...Object.values(spec.headers), spec.body ?? ""];
  const keys = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(PLACEHOLDER)) keys.add(match[1] as string);
  return [...keys];
}

/** The secret names a spec's headers read. */
export function secretsOf(spec: Pick<HttpSpec, "headers">): string[] {
  const names = new Set<string>();
  for (const text of Object.values(spec.headers))
    for (const match of text.matchAll(SECRET_REF)) names.add(match[1] as string);
  return [...names];
}

/**
 * The scheme, host and port of a URL template: what a request that sends secrets must write
 * out, so that no cell's value can choose where they go.
 */
export function originTemplateOf(url: string): string {
  const rest = url.replace(/^https?:\/\//i, "");
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** The value at a JSON path, or undefined. Own properties only (keys come from users). */
export function readPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (current === null || typeof current !== "object") return undefined;
    if (part.startsWith("[")) {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(part.slice(1, -1))];
    } else {
      if (!Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
  }
  return current;
}
