import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type HttpSpec, httpSpecSchema } from "@/lib/providers/adapters/http-spec";
import { callProvider } from "@/lib/providers/call-provider";
import { storeCredential } from "@/lib/providers/credentials";
import { testAccount } from "../../support/auth";
import { TEST_SECRET_KEY } from "../../support/replicas";

// Provider keys and alerts belong to a workspace: the file's test account's.
let workspaceId = "";
beforeAll(async () => {
  workspaceId = (await testAccount()).workspaceId;
});

// The HTTP provider against a real local JSON API: templates, stored secrets in headers, JSON
// paths, every status class, and the SSRF guard (private, loopback and link-local addresses are
// refused unless GLAZE_ALLOW_PRIVATE_HTTP=1).

type Seen = { url: string; headers: http.IncomingHttpHeaders; body: string };
const seen: Seen[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  process.env.GLAZE_SECRET_KEY = TEST_SECRET_KEY;
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body });
      const url = new URL(req.url ?? "/", "http://x");
      const status = Number(url.searchParams.get("status") ?? 200);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (status === 429) headers["retry-after"] = "3";
      res.writeHead(status, headers);
      if (url.pathname === "/empty") return res.end(JSON.stringify({ data: { email: null } }));
      if (url.pathname === "/text") return res.end("not json");
      res.end(
        JSON.stringify({ data: { email: `found@${url.searchParams.get("domain")}`, score: 87 }, list: [{ v: 1 }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());
beforeEach(() => {
  seen.length = 0;
  process.env.GLAZE_ALLOW_PRIVATE_HTTP = "1";
});

const spec = (over: Partial<HttpSpec> = {}): HttpSpec =>
  httpSpecSchema.parse({
    url: `${base}/person?domain={{company_domain}}`,
    headers: { Authorization: "Bearer {{secret:acme}}" },
    valuePath: "data.email",
    confidencePath: "data.score",
    ...over,
  });

const call = (s: HttpSpec, row: Record<string, unknown> = { company_domain: "acme.io" }) =>
  callProvider({
    workspaceId: workspaceId,
    adapterId: "http",
    request: { field: "email", inputs: {}, row, http: s },
  });

describe("HTTP provider", () => {
  test("fills the URL template, sends the stored secret, reads the value and a 0-100 confidence", async () => {
    await storeCredential({
      workspaceId: workspaceId,
      vendor: "http",
      name: "acme",
      secret: "acme-secret-123456",
    });
    const r = await call(spec(), { company_domain: "a b&c.io" });
    expect(r).toMatchObject({
      outcome: "found",
      value: "found@a b&c.io",
      confidence: 0.87,
      rawConfidence: 87,
      httpStatus: 200,
    });
    expect(seen[0]?.url).toBe("/person?domain=a%20b%26c.io");
    expect(seen[0]?.headers.authorization).toBe("Bearer acme-secret-123456");
    expect(JSON.stringify(r)).not.toContain("acme-secret-123456");
  });

  test("a secret is sent exactly as stored ($ patterns too); a cell's text is never read for references", async () => {
    const secret = "k$'$&$$`x-123456";
    await storeCredential({ workspaceId, vendor: "http", name: "dollars", secret });
    const r = await call(
      spec({ headers: { Authorization: "Bearer {{secret:dollars}}", "X-Company": "{{company_domain}}" } }),
      { company_domain: "{{secret:dollars}}" },
    );
    expect(r.outcome).toBe("found");
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(seen[0]?.headers["x-company"]).toBe("{{secret:dollars}}");
  });

  test("POST with a JSON body template; values are JSON-escaped; default confidence without a path", async () => {
    const r = await call(
      spec({ method: "POST", body: '{"domain": "{{company_domain}}"}', headers: {}, confidencePath: undefined }),
      { company_domain: 'quo"te.io' },
    );
    expect(r).toMatchObject({ outcome: "found", confidence: 0.8 });
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ domain: 'quo"te.io' });
  });

  test("a missing or null value → not_found; 404 → not_found", async () => {
    expect((await call(spec({ url: `${base}/empty`, headers: {} }))).outcome).toBe("not_found");
    expect((await call(spec({ url: `${base}/x?status=404`, headers: {} }))).outcome).toBe("not_found");
  });

  test("429 → rate_limited with Retry-After; 401/403 → unauthorized; 402 → out_of_credits; 400 → bad_input; 5xx → transient", async () => {
    const at = (status: number) => call(spec({ url: `${base}/x?status=${status}`, headers: {} }));
    expect(await at(429)).toMatchObject({ outcome: "rate_limited", retryAfterMs: 3000 });
    expect((await at(401)).outcome).toBe("unauthorized");
    expect((await at(403)).outcome).toBe("unauthorized");
    expect((await at(402)).outcome).toBe("out_of_credits");
    expect((await at(400)).outcome).toBe("bad_input");
    expect((await at(502)).outcome).toBe("transient");
    expect((await call(spec({ url: `${base}/text`, headers: {} }))).outcome).toBe("bad_input");
  });

  test("a header naming a secret that is not stored → unauthorized, nothing sent", async () => {
    const r = await call(spec({ headers: { "X-Key": "{{secret:missing}}" } }));
    expect(r.outcome).toBe("unauthorized");
    expect(seen).toHaveLength(0);
  });

  test("the spec refuses non-http URLs and malformed paths", () => {
    expect(httpSpecSchema.safeParse({ url: "file:///etc/passwd", valuePath: "a" }).success).toBe(false);
    expect(httpSpecSchema.safeParse({ url: "http://x", valuePath: "a..b" }).success).toBe(false);
  });
});

describe("SSRF guard", () => {
  test.each([
    ["loopback by IP", "http://127.0.0.1:{port}/person"],
    ["loopback by name (resolved, then refused at connect)", "http://localhost:{port}/person"],
    ["IPv6 loopback", "http://[::1]:{port}/person"],
    ["IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:{port}/person"],
    ["cloud metadata (link-local)", "http://169.254.169.254/latest/meta-data/"],
    ["private network", "http://10.0.0.1/"],
    ["unique-local IPv6", "http://[fd00::1]/"],
    ["unspecified", "http://0.0.0.0:{port}/"],
  ])("%s is refused without GLAZE_ALLOW_PRIVATE_HTTP", async (_name, url) => {
    delete process.env.GLAZE_ALLOW_PRIVATE_HTTP;
    const port = (server.address() as AddressInfo).port;
    const r = await call(spec({ url: url.replace("{port}", String(port)), headers: {} }));
    expect(r.outcome).toBe("bad_input");
    expect(r.error).toMatch(/private, loopback or link-local/);
    expect(seen).toHaveLength(0);
  });

  test("with GLAZE_ALLOW_PRIVATE_HTTP=1 the same local server answers", async () => {
    process.env.GLAZE_ALLOW_PRIVATE_HTTP = "1";
    const port = (server.address() as AddressInfo).port;
    expect((await call(spec({ url: `http://localhost:${port}/person`, headers: {} }))).outcome).toBe("found");
  });
});
