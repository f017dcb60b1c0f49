import "server-only";
import { createHash } from "node:crypto";
import { adapterInfo } from "../providers/catalog";
import type { InputName } from "../providers/types";

// The provider cache's key: the provider, the field it is asked for and the inputs it reads,
// normalised (trimmed, lower-cased; domains without scheme, "www." or path), as the md5 of one
// canonical text. The same rule exists twice, once in JS for lookups and once as SQL for the
// estimate, which computes the keys of 100,000 rows in one statement; both live here.

const TRIM = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
const DOMAIN = /^(https?:\/\/)?(www\.)?([^/]*).*$/;

export function normaliseInput(name: string, value: string): string {
  const text = value.replace(TRIM, "").toLowerCase();
  return name === "domain" ? text.replace(DOMAIN, "$3") : text;
}

/** The inputs of `provider` that go into its key, sorted by name. */
export function keyedInputs(provider: string): InputName[] {
  return [...(adapterInfo(provider)?.inputs ?? [])].sort() as InputName[];
}

export function cacheKeyOf(provider: string, field: string, inputs: Partial<Record<InputName, string>>): string {
  const parts = [provider, field];
  for (const name of keyedInputs(provider)) {
    const raw = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    if (raw === undefined) continue;
    const value = normaliseInput(name, String(raw));
    if (value !== "") parts.push(`${name}=${value}`);
  }
  return createHash("md5").update(parts.join("\n")).digest("hex");
}

/**
 * SQL for the same key of a row: `normalisedSql(column key)` gives the SQL text of a row's
 * value already trimmed (of the whitespace JS trims) and lower-cased, `param(value)` a
 * placeholder for a constant. Inputs the recipe does not map are left out, as a plan leaves
 * them out.
 */
export function cacheKeySql(
  provider: string,
  field: string,
  mapped: (input: InputName) => string | undefined,
  normalisedSql: (columnKey: string) => string,
  param: (value: string) => string,
): string {
  const parts = [param(provider), param(field)];
  for (const name of keyedInputs(provider)) {
    const key = mapped(name);
    if (!key) continue;
    const text = normalisedSql(key);
    // The regular expression only where there is a scheme, "www." or a path to strip: most
    // domains are bare, and 100,000 regexp_replace calls cost more than the rest of the key.
    const value =
      name === "domain"
        ? `(CASE WHEN strpos(${text}, '/') = 0 AND left(${text}, 4) <> 'www.' THEN ${text}
                 ELSE regexp_replace(${text}, '^(https?://)?(www\\.)?([^/]*).*$', '\\3') END)`
        : text;
    parts.push(`(${param(`${name}=`)} || nullif(${value}, ''))`);
  }
  return `md5(concat_ws(E'\\n', ${parts.join(", ")}))`;
}

/**
 * SQL of a row value as cacheKeySql wants it: trimmed like JS's trim(), lower-cased as JS's
 * toLowerCase() does (Unicode's full case mapping, final sigma included: Postgres 18's
 * pg_unicode_fast; the database's own collation may lower-case ASCII only, and "Łukasz" then
 * missed the answer cached for "łukasz").
 */
export const normalisedValueSql = (valueSql: string) =>
  `lower(btrim(${valueSql}, E' \\t\\n\\r\\f\\v') COLLATE "pg_unicode_fast")`;
