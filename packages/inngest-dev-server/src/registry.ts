import { evaluate, UnsupportedExpression } from "./expr";
import type { FunctionConfig, RegisterBody } from "./protocol";

export interface FnEntry {
  appId: string;
  config: FunctionConfig;
}

/** Flow-control options the SDK registers that this server accepts but does not enforce. */
const IGNORED_OPTIONS = ["batchEvents", "debounce", "idempotency", "singleton", "priority", "timeouts"] as const;

/** The synced functions, in memory (persisted by Store.saveApp) and indexed by trigger. */
export class Registry {
  private fns = new Map<string, FnEntry>();
  private byEvent = new Map<string, FnEntry[]>();
  private wildcards: { prefix: string; fn: FnEntry }[] = [];
  private cancellers = new Map<string, FnEntry[]>();
  private warned = new Set<string>();

  constructor(private readonly warn: (line: string) => void) {}

  get(id: string): FnEntry | undefined {
    return this.fns.get(id);
  }

  all(): FnEntry[] {
    return [...this.fns.values()];
  }

  load(entries: FnEntry[]): void {
    for (const e of entries) this.fns.set(e.config.id, e);
    this.reindex();
  }

  /** Replaces one app's functions; returns whether anything changed. */
  replaceApp(appId: string, configs: FunctionConfig[]): boolean {
    const before = this.all()
      .filter((e) => e.appId === appId)
      .map((e) => JSON.stringify(e.config))
      .sort();
    for (const [id, e] of this.fns) if (e.appId === appId) this.fns.delete(id);
    for (const config of configs) this.fns.set(config.id, { appId, config });
    this.reindex();
    const after = configs.map((c) => JSON.stringify(c)).sort();
    for (const config of configs) this.warnUnsupported(config);
    return before.join("\n") !== after.join("\n");
  }

  /** Functions an event starts: exact name or `prefix/*`, then the trigger's `if`. */
  match(event: { name: string }): FnEntry[] {
    const candidates = [...(this.byEvent.get(event.name) ?? [])];
    for (const w of this.wildcards) if (event.name.startsWith(w.prefix)) candidates.push(w.fn);
    const matched: FnEntry[] = [];
    for (const fn of candidates) {
      if (matched.includes(fn)) continue;
      const triggers = fn.config.triggers.filter((t) => t.event && nameMatches(t.event, event.name));
      if (triggers.some((t) => !t.expression || this.test(fn, t.expression, { event }))) matched.push(fn);
    }
    return matched;
  }

  /** Functions with a `cancelOn` for this event name. */
  cancelledBy(eventName: string): FnEntry[] {
    return this.cancellers.get(eventName) ?? [];
  }

  /** Evaluates an expression; unsupported syntax counts as a match, with a warning. */
  test(fn: FnEntry, expression: string, vars: Record<string, unknown>): boolean {
    try {
      return Boolean(evaluate(expression, vars));
    } catch (err) {
      if (!(err instanceof UnsupportedExpression)) return false;
      this.warnOnce(
        `${fn.config.id}:${expression}`,
        `${fn.config.id}: expression "${expression}" not supported (${err.message}); treating it as true`,
      );
      return true;
    }
  }

  private reindex(): void {
    this.byEvent.clear();
    this.wildcards = [];
    this.cancellers.clear();
    for (const fn of this.fns.values()) {
      for (const t of fn.config.triggers ?? []) {
        if (!t.event) continue;
        if (t.event.endsWith("*")) this.wildcards.push({ prefix: t.event.slice(0, -1), fn });
        else this.byEvent.set(t.event, [...(this.byEvent.get(t.event) ?? []), fn]);
      }
      for (const c of fn.config.cancel ?? [])
        this.cancellers.set(c.event, [...(this.cancellers.get(c.event) ?? []), fn]);
    }
  }

  private warnUnsupported(config: FunctionConfig): void {
    for (const option of IGNORED_OPTIONS) {
      if (config[option] !== undefined && config[option] !== null) {
        this.warnOnce(`${config.id}:${option}`, `${config.id}: "${option}" is not enforced by this dev server`);
      }
    }
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(line);
  }
}

function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** Minimal validation of a `POST /fn/register` body; throws with a readable message. */
export function parseRegisterBody(body: unknown): RegisterBody {
  const b = body as Partial<RegisterBody> | null;
  if (!b || typeof b !== "object") throw new Error("body must be a JSON object");
  if (typeof b.url !== "string" || b.url === "") throw new Error("missing url");
  if (typeof b.appName !== "string" || b.appName === "") throw new Error("missing appName");
  if (!Array.isArray(b.functions)) throw new Error("missing functions");
  for (const fn of b.functions) {
    if (!fn || typeof fn.id !== "string") throw new Error("a function has no id");
    if (!fn.steps?.step?.runtime?.url) throw new Error(`function ${fn.id} has no steps.step.runtime.url`);
    if (!Array.isArray(fn.triggers)) fn.triggers = [];
  }
  return b as RegisterBody;
}
