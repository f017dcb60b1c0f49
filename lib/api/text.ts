import { z } from "zod";

// A lone UTF-16 surrogate (half of a pair) is valid in a JS string and in JSON ("\ud800") but
// not in Postgres: jsonb refuses it (22P02) and text silently turns it into U+FFFD.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when Postgres stores `value` exactly as given: no NUL (U+0000), no lone surrogate. */
export function isStorable(value: string): boolean {
  return !value.includes("\u0000") && !LONE_SURROGATE.test(value);
}

export const NOT_STORABLE = "must not contain the NUL character (U+0000) or unpaired UTF-16 surrogates";

/** A string Postgres can store as it is (a 422 otherwise, never a database error). */
export const storableString = () => z.string().refine(isStorable, NOT_STORABLE);
