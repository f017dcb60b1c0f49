import { describe, expect, test } from "vitest";
import { canonicalize } from "../src/app-client";
import { concurrencyKeys, Limiter } from "../src/concurrency";
import { evaluate, UnsupportedExpression } from "../src/expr";
import { FlowControl, Gcra } from "../src/flow-control";
import { seededUlid, ulid } from "../src/ids";
import { classify, dueAt, type FunctionConfig, parseRetryAfter } from "../src/protocol";

// Pure pieces: expressions, durations, concurrency keys and slots, ids, classification.

describe("expressions", () => {
  const vars = {
    event: { name: "x", data: { tableId: "t1", n: 3, nested: { ok: true } } },
    async: { data: { tableId: "t1" } },
  };

  test("paths, literals, comparisons and boolean logic", () => {
    expect(evaluate("event.data.tableId", vars)).toBe("t1");
    expect(evaluate("event.data.missing.deeper", vars)).toBeUndefined();
    expect(evaluate("event.data.tableId == async.data.tableId", vars)).toBe(true);
    expect(evaluate("event.data.n > 2 && event.data.nested.ok", vars)).toBe(true);
    expect(evaluate("event.data.n < 2 || !(event.data.tableId != 't1')", vars)).toBe(true);
    expect(evaluate(`event.data.tableId + "-" + event.data.n`, vars)).toBe("t1-3");
    expect(evaluate("event.data['tableId']", vars)).toBe("t1");
    expect(evaluate("event.data.function_id == 'app-fn'", { event: { data: { function_id: "app-fn" } } })).toBe(true);
  });

  test("unsupported syntax throws UnsupportedExpression", () => {
    expect(() => evaluate("size(event.data)", vars)).toThrow(UnsupportedExpression);
    expect(() => evaluate("event.data.x.startsWith('a')", vars)).toThrow(UnsupportedExpression);
    expect(() => evaluate("event.data ==", vars)).toThrow(UnsupportedExpression);
  });
});

describe("durations and retry-after", () => {
  test("SDK duration strings and ISO dates", () => {
    expect(dueAt("1s", 1000)).toBe(2000);
    expect(dueAt("1h30m5s", 0)).toBe(5_405_000);
    expect(dueAt("2w1d", 0)).toBe(15 * 86_400_000);
    expect(dueAt("2030-01-01T00:00:00.000Z")).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    expect(() => dueAt("soon")).toThrow();
  });

  test("retry-after as seconds or a date", () => {
    expect(parseRetryAfter("10")).toBe(10_000);
    expect(parseRetryAfter(new Date(61_000).toISOString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("concurrency", () => {
  const fn = (concurrency: FunctionConfig["concurrency"], id = "app-f"): FunctionConfig => ({
    id,
    triggers: [],
    steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://x" } } },
    concurrency,
  });
  const event = { data: { tableId: "t1" } };

  test("keys per function, per key expression and shared across functions by scope", () => {
    expect(concurrencyKeys(fn(undefined), event, () => {})).toEqual([]);
    expect(concurrencyKeys(fn(5), event, () => {})).toEqual([{ key: "fn:app-f::", limit: 5 }]);
    const keyed = concurrencyKeys(fn({ limit: 1, key: "event.data.tableId" }), event, () => {});
    expect(keyed).toEqual([{ key: "fn:app-f:event.data.tableId:t1", limit: 1 }]);
    const shared = (id: string) =>
      concurrencyKeys(fn([{ limit: 2, key: "event.data.tableId", scope: "env" }], id), event, () => {});
    expect(shared("app-a")).toEqual(shared("app-b"));
  });

  test("the limiter honours per-key limits and the global cap, FIFO", async () => {
    const limiter = new Limiter(2);
    const a = [{ key: "a", limit: 1 }];
    const b = [{ key: "b", limit: 1 }];
    const order: string[] = [];
    const releaseA1 = await limiter.acquire(a);
    const a2 = limiter.acquire(a).then((r) => {
      order.push("a2");
      return r;
    });
    const releaseB1 = await limiter.acquire(b);
    const c = limiter.acquire([]).then((r) => {
      order.push("c");
      return r;
    });
    expect(limiter.stats()).toEqual({ inFlight: 2, queued: 2 });
    releaseA1();
    (await a2)();
    releaseB1();
    (await c)();
    expect(order).toEqual(["a2", "c"]);
    expect(limiter.stats()).toEqual({ inFlight: 0, queued: 0 });
  });
});

describe("throttle and rateLimit buckets (GCRA)", () => {
  test("Inngest's worked example: throttle 2 per 6s with burst 1 starts 3 at once, then one every 3 s", () => {
    const gcra = new Gcra();
    const take = (at: number) => gcra.take("k", at, 6000 / 2, 2 + 1);
    expect([take(0), take(0), take(0)]).toEqual([0, 0, 0]);
    expect(take(0)).toBe(3000);
    expect(take(2999)).toBe(1);
    expect(take(3000)).toBe(0);
    expect(take(3000)).toBe(3000);
    // An idle key refills to its capacity, not beyond.
    expect([take(60_000), take(60_000), take(60_000), take(60_000)]).toEqual([0, 0, 0, 3000]);
  });

  test("rateLimit holds floor(limit/10)+1 starts; a key that evaluates to false is not limited", () => {
    const flow = new FlowControl(() => {});
    const fn = (rateLimit: unknown) => ({ id: "f", triggers: [], steps: {}, rateLimit }) as FunctionConfig;
    const ten = fn({ limit: 10, period: "1h" });
    // 10 per hour: 2 at once, then one every 6 minutes (Inngest's own test case).
    expect([0, 0, 0].map(() => flow.allowRun(ten, {}, 0))).toEqual([true, true, false]);
    expect(flow.allowRun(ten, {}, 6 * 60_000)).toBe(true);
    const keyed = fn({ limit: 1, period: "1m", key: "event.data.company" });
    const event = (company: unknown) => ({ data: { company } });
    expect([flow.allowRun(keyed, event("a"), 0), flow.allowRun(keyed, event("a"), 0)]).toEqual([true, false]);
    expect(flow.allowRun(keyed, event("b"), 0)).toBe(true);
    expect([flow.allowRun(keyed, event(false), 0), flow.allowRun(keyed, event(false), 0)]).toEqual([true, true]);
  });
});

describe("ids, classification and canonical JSON", () => {
  test("ULIDs are sortable; seeded ones are reproducible", () => {
    const ids = Array.from({ length: 100 }, () => ulid());
    expect([...ids].sort()).toEqual(ids);
    expect(seededUlid("1700000000000,abc=", 0)).toBe(seededUlid("1700000000000,abc=", 0));
    expect(seededUlid("1700000000000,abc=", 0)).not.toBe(seededUlid("1700000000000,abc=", 1));
    expect(seededUlid("garbage", 0)).toBeUndefined();
  });

  test("responses without the SDK's headers are retriable errors", () => {
    expect(classify({ status: 502, headers: {}, body: "Bad gateway" })).toMatchObject({
      kind: "error",
      retriable: true,
      error: { message: "HTTP 502 from app: Bad gateway" },
    });
    expect(classify({ status: 206, headers: {}, body: "[]" })).toEqual({
      kind: "ops",
      ops: [],
      retryAfterMs: undefined,
    });
  });

  test("canonical JSON sorts keys recursively", () => {
    expect(canonicalize({ b: 1, a: [{ d: 1, c: null }], e: "x" })).toBe('{"a":[{"c":null,"d":1}],"b":1,"e":"x"}');
  });
});
