import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevServer } from "../src/index";
import { eventually, sendAndGetRun, startApp, startServer, type TestApp } from "./helpers";

// The debugging UI and the JSON endpoints.

let server: DevServer;
let app: TestApp;
let runId: string;
let eventId: string;
const logs: string[] = [];

beforeAll(async () => {
  server = await startServer({}, logs);
  app = await startApp(server.url, (inngest) => [
    inngest.createFunction(
      { id: "ui-fn", name: "UI function", triggers: [{ event: "test/ui" }] },
      async ({ event, step, attempt }) => {
        const fetched = await step.run("fetch-profile", () => ({ html: event.data.note }));
        await step.run("flaky-enrich", () => {
          if (attempt === 0) throw new Error("enrichment hiccup");
          return "enriched";
        });
        return { fetched };
      },
    ),
    inngest.createFunction({ id: "ui-sleeper", triggers: [{ event: "test/ui-sleep" }] }, async ({ step }) => {
      await step.sleep("forever", "1h");
    }),
  ]);
  await server.syncApp(app.url);
  const { ids } = await app.inngest.send({ name: "test/ui", data: { note: "<script>alert(1)</script>" } });
  eventId = ids[0];
  runId = (await server.runsForEvent(eventId))[0].id;
  await server.waitForRun(runId);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
};

describe("UI and REST API", () => {
  test("GET / lists runs with function, event and status, and refreshes itself", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.type).toContain("text/html");
    expect(page.text).toContain(runId);
    expect(page.text).toContain("UI function");
    expect(page.text).toContain("test/ui");
    expect(page.text).toContain('class="badge completed"');
    expect(page.text).toContain('http-equiv="refresh"');
    expect(page.text).toContain("dev-server-test-ui-fn");
    const failedOnly = await get("/?status=failed");
    expect(failedOnly.text).not.toContain(runId);
  });

  test("GET /runs/:id shows the event, steps with attempts and errors, and the output, escaped", async () => {
    const page = await get(`/runs/${runId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("fetch-profile");
    expect(page.text).toContain("flaky-enrich");
    expect(page.text).toMatch(/flaky-enrich[\s\S]*?<td>2<\/td>/); // two attempts
    expect(page.text).toContain("enrichment hiccup"); // last error kept with the step
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect((await get("/runs/nope")).status).toBe(404);
  });

  test("JSON: /v1/runs, /v1/runs/:id, /v1/events/:id/runs and /health", async () => {
    const list = JSON.parse((await get("/v1/runs?limit=5")).text);
    expect(list.data[0]).toMatchObject({ run_id: runId, function_id: "dev-server-test-ui-fn", status: "Completed" });
    const one = JSON.parse((await get(`/v1/runs/${runId}`)).text);
    expect(one.data.output).toEqual({ fetched: { html: "<script>alert(1)</script>" } });
    expect(one.data.event).toMatchObject({ name: "test/ui", data: { note: "<script>alert(1)</script>" } });
    expect(one.data.steps.map((s: { name: string; attempts: number }) => [s.name, s.attempts])).toEqual([
      ["fetch-profile", 1],
      ["flaky-enrich", 2],
    ]);
    const byEvent = JSON.parse((await get(`/v1/events/${eventId}/runs`)).text);
    expect(byEvent.data.map((r: { run_id: string }) => r.run_id)).toEqual([runId]);
    const health = JSON.parse((await get("/health")).text);
    expect(health.status).toBe("ok");
  });

  test("a sleeping run shows what it waits for; DELETE /v1/runs/:id cancels it", async () => {
    const sleeping = await sendAndGetRun(server, app.inngest, { name: "test/ui-sleep" });
    await eventually(() => (logs.some((l) => l.includes(sleeping) && l.includes("sleeping until")) ? true : undefined));
    const page = await get(`/runs/${sleeping}`);
    expect(page.text).toMatch(/Waiting[\s\S]*forever[\s\S]*sleeping until/);
    const json = JSON.parse((await get(`/v1/runs/${sleeping}`)).text);
    expect(json.data.pending).toMatchObject([{ name: "forever", kind: "sleep" }]);
    const res = await fetch(`${server.url}/v1/runs/${sleeping}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect((await server.waitForRun(sleeping)).status).toBe("cancelled");
    const again = await fetch(`${server.url}/v1/runs/${sleeping}`, { method: "DELETE" });
    expect(again.status).toBe(404);
  });

  test("logs one line per meaningful action", () => {
    expect(logs.some((l) => l.includes('synced app "dev-server-test"') && l.includes("2 functions"))).toBe(true);
    expect(logs.some((l) => l.includes('event "test/ui"') && l.includes("-> 1 run(s)"))).toBe(true);
    expect(logs.some((l) => l.includes(runId) && l.includes('step "flaky-enrich" failed (attempt 1/4)'))).toBe(true);
    expect(logs.some((l) => l.includes(runId) && l.includes("completed in"))).toBe(true);
  });
});
