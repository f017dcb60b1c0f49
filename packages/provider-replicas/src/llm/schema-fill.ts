// Produces a value that satisfies a JSON schema (the subset Structured Outputs allows:
// object/array/string/number/integer/boolean/null, enum, const, anyOf, $ref, and the
// length/range/items bounds), answering each property from the facts in the prompt.
// Properties with a matching fact are filled first; the rest are then derived from what
// was found, so an enum like confidence reads "high" when facts were used and "low" when not.
import type { Fact, FactValue } from "./facts";
import { bestFact, GENERIC_NAMES } from "./match";

export type Schema = Record<string, unknown>;

const EXPLANATION_NAMES =
  /^(reasoning|reason|explanation|rationale|justification|notes?|summary|comments?|thoughts|analysis|description)$/;
const CONFIDENCE_NAMES = /(confidence|score|probability|likelihood|certainty)/;
const EVIDENCE_NAMES = /^(basis|sources?|evidence|citations?|references?|facts|fields_used)$/;

interface State {
  root: Schema;
  facts: Fact[];
  /** The fact a generic property ("value") answers with, if the prompt asks for one that exists. */
  requested: Fact | null;
  used: Fact[];
}

export function fillSchema(schema: Schema, facts: Fact[], requested: Fact | null): unknown {
  return fill(schema, null, { root: schema, facts, requested, used: [] });
}

function resolve(schema: Schema, state: State): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 32; hops++) {
    const target = current.$ref
      .replace(/^#\/?/, "")
      .split("/")
      .filter(Boolean)
      .reduce<unknown>(
        (node, segment) => (node as Schema | undefined)?.[segment.replace(/~1/g, "/").replace(/~0/g, "~")],
        state.root,
      );
    current = (target as Schema | undefined) ?? {};
  }
  return current;
}

function types(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === "string") return [schema.type];
  if (schema.properties) return ["object"];
  if (schema.items) return ["array"];
  return ["string"];
}

/**
 * `name` is the property being filled; inside a nested object it is qualified by the
 * parent's name ("company_name" for `company: { name }`), and the unqualified name is
 * tried only when the qualified one matches nothing.
 */
function fill(raw: Schema, name: string | null, state: State): unknown {
  const schema = resolve(raw, state);
  if ("const" in schema) return schema.const;
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) return fillAnyOf(branches, name, state);
  const fact = factFor(schema, name, state);
  if (fact) {
    state.used.push(fact.source);
    return fact.value;
  }
  if (Array.isArray(schema.enum)) return chooseEnum(schema.enum, state);
  const kinds = types(schema);
  if (kinds.includes("object")) return fillObject(schema, name, state);
  const leaf = name?.split(".").pop() ?? null;
  if (kinds.includes("array")) return fillArray(schema, leaf, state);
  if (kinds.includes("null")) return null;
  return defaultPrimitive(schema, kinds[0] ?? "string", leaf, state);
}

/** A branch a fact can fill, else a null branch, else the first. */
function fillAnyOf(branches: Schema[], name: string | null, state: State): unknown {
  for (const branch of branches) {
    if (factFor(resolve(branch, state), name, state)) return fill(branch, name, state);
  }
  const nullBranch = branches.find((branch) => types(resolve(branch, state)).includes("null"));
  return fill(nullBranch ?? (branches[0] as Schema), name, state);
}

function fillObject(schema: Schema, parent: string | null, state: State): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const out: Record<string, unknown> = {};
  const later: string[] = [];
  const qualified = (key: string) => (parent ? `${parent}.${key}` : key);
  // Pass 1: properties answered by a fact; pass 2: everything else, which may depend on pass 1.
  for (const [key, propertySchema] of Object.entries(properties)) {
    if (factFor(resolve(propertySchema, state), qualified(key), state) || isContainer(propertySchema, state)) {
      out[key] = fill(propertySchema, qualified(key), state);
    } else later.push(key);
  }
  for (const key of later) out[key] = fill(properties[key] as Schema, qualified(key), state);
  return Object.fromEntries(Object.keys(properties).map((key) => [key, out[key]]));
}

function isContainer(schema: Schema, state: State): boolean {
  const kinds = types(resolve(schema, state));
  return kinds.includes("object") && !kinds.includes("null");
}

function fillArray(schema: Schema, name: string | null, state: State): unknown[] {
  const items = (schema.items ?? {}) as Schema;
  const min = typeof schema.minItems === "number" ? schema.minItems : 0;
  const max = typeof schema.maxItems === "number" ? schema.maxItems : Number.POSITIVE_INFINITY;
  let values: unknown[] = [];
  if (name && EVIDENCE_NAMES.test(name) && types(resolve(items, state)).includes("string")) {
    values = [...new Set(state.used.map((fact) => fact.path))];
  }
  while (values.length < min) values.push(fill(items, null, state));
  return values.slice(0, max);
}

function chooseEnum(options: unknown[], state: State): unknown {
  return state.used.length > 0 ? options[0] : options[options.length - 1];
}

function defaultPrimitive(schema: Schema, kind: string, name: string | null, state: State): unknown {
  const found = state.used.length > 0;
  if (kind === "boolean") return found;
  if (kind === "integer" || kind === "number") return defaultNumber(schema, kind, name, found);
  if (kind === "null") return null;
  let text = "";
  if (name && EXPLANATION_NAMES.test(name)) {
    const paths = [...new Set(state.used.map((fact) => fact.path))];
    text = found
      ? `Answered from the provided context: ${paths.join(", ")}.`
      : "The provided context does not contain this information.";
  } else if (schema.format === "email") text = "unknown@example.com";
  else if (schema.format === "uri") text = "https://example.com/";
  else if (schema.format === "date") text = "1970-01-01";
  else if (schema.format === "date-time") text = "1970-01-01T00:00:00Z";
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  return text.padEnd(minLength, "-").slice(0, maxLength);
}

function defaultNumber(schema: Schema, kind: string, name: string | null, found: boolean): number {
  const integer = kind === "integer";
  const low = bound(schema, "minimum", "exclusiveMinimum", integer, 1) ?? 0;
  let high = bound(schema, "maximum", "exclusiveMaximum", integer, -1);
  if (name && CONFIDENCE_NAMES.test(name)) {
    high ??= integer ? Math.max(low, 100) : Math.max(low, 1);
    const value = low + (high - low) * (found ? 0.9 : 0.1);
    return integer ? Math.round(value) : Math.round(value * 100) / 100;
  }
  return high !== undefined ? Math.min(low, high) : low;
}

function bound(
  schema: Schema,
  inclusive: string,
  exclusive: string,
  integer: boolean,
  step: 1 | -1,
): number | undefined {
  if (typeof schema[inclusive] === "number") return schema[inclusive] as number;
  if (typeof schema[exclusive] === "number") return (schema[exclusive] as number) + step * (integer ? 1 : 0.001);
  return undefined;
}

/** The fact that answers `name` under `schema`, converted to a value the schema accepts. */
function factFor(schema: Schema, path: string | null, state: State): { source: Fact; value: unknown } | null {
  if (!path) return null;
  const segments = path.split(".");
  const name = segments[segments.length - 1] as string;
  if (segments.length > 1) {
    const nested = factFor(schema, segments.slice(-2).join("_"), state);
    if (nested) return nested;
  }
  const kinds = types(schema);
  if (kinds.includes("object") || (Array.isArray(schema.anyOf) && !schema.type)) return null;
  const convert = (fact: Fact) => coerce(fact.value, schema, kinds);
  if (GENERIC_NAMES.has(name) && state.requested) {
    const value = convert(state.requested);
    if (value !== undefined) return { source: state.requested, value };
  }
  const fact = bestFact(name, state.facts, (candidate) => convert(candidate) !== undefined);
  return fact ? { source: fact, value: convert(fact) } : null;
}

/** `value` as the schema wants it, or undefined when it does not fit. */
function coerce(value: FactValue, schema: Schema, kinds: string[]): unknown {
  if (Array.isArray(schema.enum)) {
    const hit = schema.enum.find((option) => String(option).toLowerCase() === String(value).toLowerCase());
    return hit === undefined || Array.isArray(value) ? undefined : hit;
  }
  if (kinds.includes("array")) {
    if (!Array.isArray(value)) return undefined;
    const itemKinds = types((schema.items ?? {}) as Schema);
    const items = value.map((item) => coerce(item, (schema.items ?? {}) as Schema, itemKinds));
    return items.some((item) => item === undefined) ? undefined : items;
  }
  if (Array.isArray(value)) return kinds.includes("string") ? coerce(value.join(", "), schema, kinds) : undefined;
  if (kinds.includes("string")) {
    const text = String(value);
    if (schema.format === "email" && !/^[^@\s]+@[^@\s]+$/.test(text)) return undefined;
    if (typeof schema.minLength === "number" && text.length < schema.minLength) return undefined;
    if (typeof schema.maxLength === "number" && text.length > schema.maxLength) return undefined;
    if (typeof schema.pattern === "string" && !safeTest(schema.pattern, text)) return undefined;
    return text;
  }
  if (kinds.includes("integer") || kinds.includes("number")) {
    const number =
      typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
    if (
      !Number.isFinite(number) ||
      (kinds.includes("integer") && !kinds.includes("number") && !Number.isInteger(number))
    ) {
      return undefined;
    }
    const below = (limit: unknown, strict: boolean) =>
      typeof limit === "number" && (strict ? number <= limit : number < limit);
    const above = (limit: unknown, strict: boolean) =>
      typeof limit === "number" && (strict ? number >= limit : number > limit);
    if (below(schema.minimum, false) || below(schema.exclusiveMinimum, true)) return undefined;
    if (above(schema.maximum, false) || above(schema.exclusiveMaximum, true)) return undefined;
    return number;
  }
  if (kinds.includes("boolean")) {
    if (typeof value === "boolean") return value;
    const lowered = String(value).toLowerCase();
    return lowered === "true" || lowered === "yes" ? true : lowered === "false" || lowered === "no" ? false : undefined;
  }
  return undefined;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, "u").test(text);
  } catch {
    return true;
  }
}
