import "../support/no-orchestrator";
import { expect, test } from "vitest";
import { DELETE, GET, OPTIONS, PATCH, POST, PUT } from "@/app/api/[...path]/route";
import { api, request } from "../support/api";
import { expectError } from "../support/db-state";
import { makeTable } from "../support/fixtures";

// API routes do not pass Next's proxy (proxy.ts): their wrappers set the API's security
// headers on every answer themselves, errors, streams and the auth and Inngest endpoints
// included, and an /api path that no route serves is a JSON 404 behind the same host check.

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

function expectApiHeaders(headers: Headers, https = false) {
  expect(headers.get("content-security-policy")).toBe(API_CSP);
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(headers.get("strict-transport-security")).toBe(https ? "max-age=63072000; includeSubDomains" : null);
}

test("answers of route() and publicRoute() carry the API headers, errors and refusals included", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });
  for (const answer of [
    await api.get(`/api/tables/${t.tableId}/rows`),
    await api.get("/api/health"),
    await api.get("/api/tables/not-a-uuid"),
    await api.post("/api/tables", { name: "" }),
    await api.get("/api/tables", { anonymous: true }),
    await request("GET", "/api/tables", undefined, { headers: { host: "attacker.example" } }),
    await api.get(`/api/tables/${t.tableId}/events`),
  ]) {
    expect(answer.status).toBeGreaterThan(0);
    expectApiHeaders(answer.headers);
  }
  expectApiHeaders((await api.get("/api/health", { headers: { "x-forwarded-proto": "https" } })).headers, true);
});

test("the auth and Inngest endpoints carry them, and refuse unknown hosts", async () => {
  const session = await api.get("/api/auth/get-session", { anonymous: true });
  expectApiHeaders(session.headers);
  const auth = await request(
    "POST",
    "/api/auth/sign-in/email",
    { email: "a@b.c", password: "x" },
    {
      anonymous: true,
      headers: { host: "attacker.example" },
    },
  );
  expectError(auth, 421, "misdirected_request");
  expectApiHeaders(auth.headers);
  const inngest = await request("GET", "/api/inngest", undefined, { headers: { host: "attacker.example" } });
  expectError(inngest, 421, "misdirected_request");
  expectApiHeaders(inngest.headers);
  const junk = await request("POST", "/api/inngest", { not: "a call" });
  expect(junk.status).toBe(400);
  expectApiHeaders(junk.headers);
});

test("an /api path no route serves → 404 in the one error shape, with the headers; unknown host → 421", async () => {
  const handlers = { GET, POST, PUT, PATCH, DELETE, OPTIONS };
  for (const [method, handler] of Object.entries(handlers)) {
    const response = await handler(new Request(`http://localhost:3000/api/nope/${method}`, { method }));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    expectApiHeaders(response.headers);
  }
  const foreign = await GET(new Request("http://localhost:3000/api/nope", { headers: { host: "attacker.example" } }));
  expect(foreign.status).toBe(421);
  expectApiHeaders(foreign.headers);
});
