// The rules OpenAI enforces on `response_format.json_schema.schema` when `strict: true`
// (Structured Outputs "supported schemas"): the root is an object (not anyOf), every
// object sets additionalProperties: false and lists every property in `required`, and a
// handful of keywords are refused. The API answers 400 with "Invalid schema for
// response_format '<name>': In context=(…), …"; our messages follow that form.

const UNSUPPORTED = [
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "patternProperties",
  "unevaluatedProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
];

type Node = Record<string, unknown>;

/** The reason `schema` is not a valid strict schema, or null when it is. */
export function strictSchemaProblem(schema: unknown): string | null {
  if (!isNode(schema)) return "schema must be a JSON object";
  if (schema.type !== "object" || Array.isArray(schema.anyOf)) {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type ?? "anyOf")}"'.`;
  }
  return check(schema, []);
}

function context(path: string[]): string {
  return `In context=(${path.map((segment) => `'${segment}'`).join(", ")}${path.length === 1 ? "," : ""})`;
}

function check(node: Node, path: string[]): string | null {
  for (const keyword of UNSUPPORTED) {
    if (keyword in node) return `${context(path)}, '${keyword}' is not permitted.`;
  }
  const isObject = node.type === "object" || (Array.isArray(node.type) && node.type.includes("object"));
  if (isObject || isNode(node.properties)) {
    if (node.additionalProperties !== false) {
      return `${context(path)}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = isNode(node.properties) ? Object.keys(node.properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    const missing = properties.find((name) => !required.includes(name));
    if (missing !== undefined) {
      return `${context(path)}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
  }
  const children: [string[], unknown][] = [];
  if (isNode(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) children.push([[...path, "properties", name], child]);
  }
  if (isNode(node.items)) children.push([[...path, "items"], node.items]);
  for (const keyword of ["anyOf", "oneOf"]) {
    const list = node[keyword];
    if (Array.isArray(list)) {
      list.forEach((child, i) => {
        children.push([[...path, keyword, String(i)], child]);
      });
    }
  }
  for (const keyword of ["$defs", "definitions"]) {
    const defs = node[keyword];
    if (isNode(defs))
      for (const [name, child] of Object.entries(defs)) children.push([[...path, keyword, name], child]);
  }
  for (const [childPath, child] of children) {
    if (!isNode(child)) continue;
    const problem = check(child, childPath);
    if (problem) return problem;
  }
  return null;
}

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
