// PDL's `required` parameter: a boolean expression over field names, e.g.
// "education AND (emails OR phone_numbers)" or "work_email AND NOT mobile_phone". A match
// whose record does not satisfy it is answered with 404, as the docs describe.

type Token = "(" | ")" | "AND" | "OR" | "NOT" | { field: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  for (const raw of expression.match(/\(|\)|[^\s()]+/g) ?? []) {
    const upper = raw.toUpperCase();
    if (raw === "(" || raw === ")") tokens.push(raw);
    else if (upper === "AND" || upper === "OR" || upper === "NOT") tokens.push(upper);
    else if (/^[a-z_][a-z0-9_.]*$/i.test(raw)) tokens.push({ field: raw.toLowerCase() });
    else throw new Error(`unexpected "${raw}"`);
  }
  return tokens;
}

/** Evaluates `expression`, asking `has(field)` for each field; throws on a malformed expression. */
export function satisfiesRequired(expression: string, has: (field: string) => boolean): boolean {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const orExpr = (): boolean => {
    let value = andExpr();
    while (peek() === "OR") {
      at++;
      const right = andExpr();
      value = value || right;
    }
    return value;
  };
  const andExpr = (): boolean => {
    let value = notExpr();
    while (peek() === "AND") {
      at++;
      const right = notExpr();
      value = value && right;
    }
    return value;
  };
  const notExpr = (): boolean => {
    if (peek() === "NOT") {
      at++;
      return !notExpr();
    }
    const token = tokens[at++];
    if (token === "(") {
      const value = orExpr();
      if (tokens[at++] !== ")") throw new Error("missing )");
      return value;
    }
    if (token && typeof token === "object") return has(token.field);
    throw new Error("expected a field name");
  };
  if (tokens.length === 0) throw new Error("empty expression");
  const result = orExpr();
  if (at !== tokens.length) throw new Error("unexpected trailing tokens");
  return result;
}
