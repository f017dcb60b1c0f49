// A small subset of CEL, the expression language Inngest uses for trigger `if`s,
// concurrency keys, cancellation and waitForEvent matches. It covers what the SDK and
// typical apps generate: dotted paths (`event.data.tableId`), literals, comparisons,
// `&&`, `||`, `!`, `+` and parentheses. Anything else throws UnsupportedExpression so
// callers can decide how to degrade.

export class UnsupportedExpression extends Error {}

type Vars = Record<string, unknown>;
type Compiled = (vars: Vars) => unknown;

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_$][\w$]*)|(==|!=|<=|>=|&&|\|\||[<>!+\-.()[\]]))/y;

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(src);
    if (!m) throw new UnsupportedExpression(`cannot parse "${src}" at ${TOKEN.lastIndex}`);
    tokens.push(m[0].trim());
  }
  return tokens;
}

function unquote(token: string): string {
  const body = token.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "string")) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): Compiled {
    const expr = this.or();
    if (this.i < this.tokens.length) throw new UnsupportedExpression(`unexpected "${this.tokens[this.i]}"`);
    return expr;
  }

  private peek(): string | undefined {
    return this.tokens[this.i];
  }

  private take(expected?: string): string {
    const token = this.tokens[this.i++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new UnsupportedExpression(`expected ${expected ?? "a token"}, got ${token ?? "end"}`);
    }
    return token;
  }

  private or(): Compiled {
    let left = this.and();
    while (this.peek() === "||") {
      this.take();
      const l = left;
      const r = this.and();
      left = (v) => Boolean(l(v)) || Boolean(r(v));
    }
    return left;
  }

  private and(): Compiled {
    let left = this.cmp();
    while (this.peek() === "&&") {
      this.take();
      const l = left;
      const r = this.cmp();
      left = (v) => Boolean(l(v)) && Boolean(r(v));
    }
    return left;
  }

  private cmp(): Compiled {
    const left = this.add();
    const op = this.peek();
    if (op === "==" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=") {
      this.take();
      const right = this.add();
      if (op === "==") return (v) => equal(left(v), right(v));
      if (op === "!=") return (v) => !equal(left(v), right(v));
      return (v) => compare(op, left(v), right(v));
    }
    return left;
  }

  private add(): Compiled {
    let left = this.unary();
    for (let op = this.peek(); op === "+" || op === "-"; op = this.peek()) {
      this.take();
      const l = left;
      const r = this.unary();
      left =
        op === "+"
          ? (v) => {
              const a = l(v);
              const b = r(v);
              return typeof a === "number" && typeof b === "number" ? a + b : `${a ?? ""}${b ?? ""}`;
            }
          : (v) => Number(l(v)) - Number(r(v));
    }
    return left;
  }

  private unary(): Compiled {
    if (this.peek() === "!") {
      this.take();
      const inner = this.unary();
      return (v) => !inner(v);
    }
    if (this.peek() === "-") {
      this.take();
      const inner = this.unary();
      return (v) => -Number(inner(v));
    }
    return this.primary();
  }

  private primary(): Compiled {
    const token = this.take();
    if (token === "(") {
      const inner = this.or();
      this.take(")");
      return inner;
    }
    if (/^\d/.test(token)) {
      const n = Number(token);
      return () => n;
    }
    if (token[0] === '"' || token[0] === "'") {
      const s = unquote(token);
      return () => s;
    }
    if (token === "true" || token === "false") {
      const b = token === "true";
      return () => b;
    }
    if (token === "null") return () => null;
    if (!/^[A-Za-z_$]/.test(token)) throw new UnsupportedExpression(`unexpected "${token}"`);
    return this.path(token);
  }

  private path(root: string): Compiled {
    const segments: (string | Compiled)[] = [];
    for (;;) {
      if (this.peek() === ".") {
        this.take();
        const name = this.take();
        if (this.peek() === "(") throw new UnsupportedExpression(`function calls are not supported (${name})`);
        segments.push(name);
      } else if (this.peek() === "[") {
        this.take();
        segments.push(this.or());
        this.take("]");
      } else break;
    }
    if (this.peek() === "(") throw new UnsupportedExpression(`function calls are not supported (${root})`);
    return (v) => {
      let cur: unknown = v[root];
      for (const seg of segments) {
        if (cur === null || typeof cur !== "object") return undefined;
        const key = typeof seg === "string" ? seg : String(seg(v));
        cur = (cur as Record<string, unknown>)[key];
      }
      return cur;
    };
  }
}

const cache = new Map<string, Compiled>();

export function compile(expression: string): Compiled {
  let fn = cache.get(expression);
  if (!fn) {
    fn = new Parser(tokenize(expression)).parse();
    if (cache.size > 5000) cache.clear();
    cache.set(expression, fn);
  }
  return fn;
}

export function evaluate(expression: string, vars: Vars): unknown {
  return compile(expression)(vars);
}
