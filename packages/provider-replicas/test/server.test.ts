import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_KEYS, type Replicas, startReplica, startReplicas } from "../src/index";
import { call, postJson, query } from "./helpers";

const hunterQuery = (extra: Record<string, string> = {}) =>
  `/v2/email-finder?${query({ full_name: "Ada Lovelace", domain: "acme.test", api_key: DEFAULT_KEYS.hunter, ...extra })}`;

describe("startReplicas: all providers on one port", () => {
  let replicas: Replicas;
  beforeAll(async () => {
    replicas = await startReplicas({ port: 0 });
  });
  afterAll(() => replicas.close());

  test("binds 127.0.0.1 and serves each provider under its prefix (the LLM base URL ends in /v1)", async () => {
    expect(replicas.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(replicas.urls).toEqual({
      hunter: `${replicas.url}/hunter`,
      pdl: `${replicas.url}/pdl`,
      apollo: `${replicas.url}/apollo`,
      llm: `${replicas.url}/llm/v1`,
    });
    expect((await call(`${replicas.urls.hunter}${hunterQuery()}`)).status).toBe(200);
    expect(
      (await call(`${replicas.urls.llm}/models`, { headers: { authorization: `Bearer ${DEFAULT_KEYS.llm}` } })).status,
    ).toBe(200);
    expect((await call(`${replicas.url}/`)).body.replicas).toEqual(replicas.urls);
    expect((await call(`${replicas.url}/nope/v1/x`)).status).toBe(404);
  });

  test("GET /__replica/stats – calls per endpoint and status, credits billed and peak rates per provider", async () => {
    replicas.reset();
    await call(`${replicas.urls.hunter}${hunterQuery()}`);
    await call(`${replicas.urls.hunter}${hunterQuery({ api_key: "bad" })}`);
    const stats = (await call(`${replicas.url}/__replica/stats`)).body;
    expect(stats.hunter).toMatchObject({
      calls: 2,
      byStatus: { 200: 1, 401: 1 },
      byEndpoint: { "GET /v2/email-finder": { calls: 2, byStatus: { 200: 1, 401: 1 } } },
      rateLimited: 0,
      maxRequestsPerSecond: 2,
      maxRequestsPerMinute: 2,
    });
    expect(stats.pdl.calls).toBe(0);
    expect(Object.keys(stats)).toEqual(["hunter", "pdl", "apollo", "llm"]);
  });

  test("POST /__replica/config – a partial config takes effect at once; a wrong field → 400 {error:{code,message}}", async () => {
    const changed = await postJson(`${replicas.url}/__replica/config`, {
      hunter: { keys: ["plain-key"], keyPrefix: null },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.hunter).toMatchObject({ keys: ["plain-key"], keyPrefix: null, convention: "client" });
    expect((await call(`${replicas.urls.hunter}${hunterQuery()}`)).status).toBe(401);
    expect((await call(`${replicas.urls.hunter}${hunterQuery({ api_key: "plain-key" })}`)).status).toBe(200);
    await postJson(`${replicas.url}/__replica/config`, { hunter: { keys: [], keyPrefix: "replica-" } });

    for (const patch of [
      { hunter: { convention: "loose" } },
      { hunter: { perSecnd: 3 } },
      { nope: {} },
      { pdl: { latencyMs: "5" } },
    ]) {
      const refused = await postJson(`${replicas.url}/__replica/config`, patch);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("invalid_config");
    }
    expect((await call(`${replicas.url}/__replica/config`)).body.hunter.convention).toBe("client");
  });

  test("POST /__replica/reset – clears rate windows, spent credits and stats, keeps the config", async () => {
    replicas.configure({ hunter: { perSecond: 1 } });
    await call(`${replicas.urls.hunter}${hunterQuery()}`);
    expect((await call(`${replicas.urls.hunter}${hunterQuery()}`)).status).toBe(429);
    expect((await postJson(`${replicas.url}/__replica/reset`, {})).body).toEqual({ ok: true });
    expect((await call(`${replicas.urls.hunter}${hunterQuery()}`)).status).toBe(200);
    expect(replicas.stats().hunter.calls).toBe(1);
    expect(replicas.config().hunter.perSecond).toBe(1);
    replicas.configure({ hunter: { perSecond: 15 } });
  });
});

describe("latency", () => {
  test("latencyMs delays every response; jitterMs adds at most that much; last name Slow adds slowMs", async () => {
    const replica = await startReplica("hunter", {
      port: 0,
      config: { hunter: { latencyMs: 120, jitterMs: 40, slowMs: 300 } },
    });
    try {
      const timed = async (url: string) => {
        const started = performance.now();
        await call(url);
        return performance.now() - started;
      };
      for (let i = 0; i < 3; i++) {
        const ms = await timed(`${replica.url}${hunterQuery()}`);
        expect(ms).toBeGreaterThanOrEqual(115);
        expect(ms).toBeLessThan(400);
      }
      expect(await timed(`${replica.url}${hunterQuery({ full_name: "Test Slow" })}`)).toBeGreaterThanOrEqual(415);
      replica.configure({ hunter: { latencyMs: 0, jitterMs: 0 } });
      expect(await timed(`${replica.url}${hunterQuery()}`)).toBeLessThan(100);
    } finally {
      await replica.close();
    }
  });
});

describe("startReplica: one provider at the root", () => {
  test("serves the provider's documented paths at the server root, with the control API beside them", async () => {
    const apollo = await startReplica("apollo", { port: 0 });
    const llm = await startReplica("llm", { port: 0 });
    try {
      expect(apollo.urls.apollo).toBe(apollo.url);
      const reply = await postJson(
        `${apollo.url}/api/v1/people/match`,
        { name: "Ada Lovelace", domain: "acme.test" },
        { "x-api-key": DEFAULT_KEYS.apollo },
      );
      expect(reply.status).toBe(200);
      expect((await call(`${apollo.url}/__replica/health`)).body).toEqual({ ok: true });
      expect(llm.urls.llm).toBe(`${llm.url}/v1`);
    } finally {
      await apollo.close();
      await llm.close();
    }
  });
});

describe("glaze-provider-replicas bin", () => {
  test("starts on the given port with the given latency and prints each replica's base URL and key", async () => {
    const bin = path.resolve(import.meta.dirname, "../bin/glaze-provider-replicas.mjs");
    const child = spawn(process.execPath, [bin, "--port", "0", "--latency-ms", "5", "--providers", "hunter,llm"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (chunk) => {
          text += chunk;
          if (text.includes(" llm ")) resolve(text);
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${text}`)));
        setTimeout(() => reject(new Error(`no startup line: ${text}`)), 20_000);
      });
      const hunterUrl = /hunter\s+(http:\S+)/.exec(output)?.[1];
      expect(output).toContain(DEFAULT_KEYS.hunter);
      expect(output).not.toMatch(/\bpdl\b/);
      const reply = await call(`${hunterUrl}${hunterQuery()}`);
      expect(reply.status).toBe(200);
      const config = await call(`${new URL(hunterUrl as string).origin}/__replica/config`);
      expect(config.body.hunter.latencyMs).toBe(5);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
