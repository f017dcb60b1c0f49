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
    // 200 ms steps: sequential, then three in parallel that the concurrency limit of 1
    // runs one after the other (planned together, each waiting for the slot).
    inngest.createFunction(
      { id: "ui-timed", concurrency: 1, triggers: [{ event: "test/ui-timed" }] },
      async ({ step }) => {
        const work = () => new Promise((resolve) => setTimeout(() => resolve("done"), 200));
        await step.run("first", work);
        await Promise.all(["p1", "p2", "p3"].map((id) => step.run(id, work)));
        await step.run("last", work);
        return "timed";
      },
    ),
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
    expect(logs.some((l) => l.includes('synced app "dev-server-test"') && l.includes("3 functions"))).toBe(true);
    expect(logs.some((l) => l.includes('event "test/ui"') && l.includes("-> 1 run(s)"))).toBe(true);
    expect(logs.some((l) => l.includes(runId) && l.includes('step "flaky-enrich" failed (attempt 1/4)'))).toBe(true);
    expect(logs.some((l) => l.includes(runId) && l.includes("completed in"))).toBe(true);
  });
});

const post = (path: string, body?: string) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" },
    body,
  });

describe("UI actions and timings", () => {
  test("step times are each step's own execution; their sum stays within the run's wall time", async () => {
    const id = await sendAndGetRun(server, app.inngest, { name: "test/ui-timed" });
    await server.waitForRun(id);
    const { data } = JSON.parse((await get(`/v1/runs/${id}`)).text);
    const times = Object.fromEntries(
      data.steps.map((s: { name: string; duration_ms: number }) => [s.name, s.duration_ms]),
    );
    // Each 200 ms step shows at least its own execution…
    for (const name of ["first", "p1", "p2", "p3", "last"]) expect(times[name], name).toBeGreaterThanOrEqual(190);
    // …and no more: the parallel steps ran one at a time (concurrency 1), so had a waiting step
    // been timed from when it was planned, the sum would exceed the run's wall time. No bound
    // in milliseconds: the machine may be slow, the relation holds regardless.
    const sum = Object.values(times as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(data.step_time_ms).toBe(sum);
    expect(sum).toBeLessThanOrEqual(data.duration_ms);
    expect(data.duration_ms).toBeGreaterThanOrEqual(1000);
    const page = await get(`/runs/${id}`);
    expect(page.text).toContain("Wall time");
    expect(page.text).toMatch(/Step execution<\/dt><dd>[\d.]+ s <span class="muted">sum of 5 step execution time/);
  });

  test("an unfinished run shows a Cancel button, which cancels it; the page then offers Rerun", async () => {
    const sleeping = await sendAndGetRun(server, app.inngest, { name: "test/ui-sleep" });
    await eventually(() => (logs.some((l) => l.includes(sleeping) && l.includes("sleeping until")) ? true : undefined));
    const before = await get(`/runs/${sleeping}`);
    expect(before.text).toContain(
      `<form method="post" action="/runs/${sleeping}/cancel"><button>Cancel</button></form>`,
    );
    expect(before.text).not.toContain("/rerun");
    const res = await post(`/runs/${sleeping}/cancel`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/runs/${sleeping}`);
    expect((await server.waitForRun(sleeping)).status).toBe("cancelled");
    const after = await get(`/runs/${sleeping}`);
    expect(after.text).not.toContain("/cancel");
    expect(after.text).toContain(`action="/runs/${sleeping}/rerun"`);
    // Rerunning needs a finished run.
    const other = await sendAndGetRun(server, app.inngest, { name: "test/ui-sleep" });
    expect((await post(`/v1/runs/${other}/rerun`)).status).toBe(409);
    await server.waitForRun(other, 100).catch(() => {});
    await fetch(`${server.url}/v1/runs/${other}`, { method: "DELETE" });
  });

  test("Rerun starts a new run of the same function with the same event (button and POST /v1/runs/:id/rerun)", async () => {
    const res = await post(`/v1/runs/${runId}/rerun`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { run_id: string; rerun_of: string } };
    expect(data.rerun_of).toBe(runId);
    expect(data.run_id).not.toBe(runId);
    const rerun = await server.waitForRun(data.run_id);
    expect(rerun).toMatchObject({ status: "completed", functionId: "dev-server-test-ui-fn", eventId, rerunOf: runId });
    expect(JSON.parse(rerun.output ?? "null")).toEqual({ fetched: { html: "<script>alert(1)</script>" } });
    expect((await get(`/runs/${data.run_id}`)).text).toMatch(/Rerun of<\/dt><dd><a class="mono" href="\/runs\/[^"]+">/);
    // The button: a form POST that leads to the new run.
    const viaUi = await post(`/runs/${runId}/rerun`);
    expect(viaUi.status).toBe(303);
    const location = viaUi.headers.get("location") ?? "";
    expect(location).toMatch(/^\/runs\/\w+$/);
    expect((await server.waitForRun(location.slice("/runs/".length))).status).toBe("completed");
    expect((await post("/v1/runs/nope/rerun")).status).toBe(404);
  });

  test("the index page's Send event form ingests the event and leads to the run it started", async () => {
    const index = await get("/");
    expect(index.text).toContain('<form class="send" method="post" action="/events">');
    const data = encodeURIComponent(JSON.stringify({ note: "from the form" }));
    const res = await post("/events", `name=test%2Fui&data=${data}`);
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/runs\/\w+$/);
    const run = await server.waitForRun(location.slice("/runs/".length));
    expect(JSON.parse(run.event)).toMatchObject({ name: "test/ui", data: { note: "from the form" } });
    // An event no function listens to leads to its (empty) list of runs.
    const unrouted = await post("/events", "name=test%2Fnobody&data=%7B%7D");
    expect(unrouted.headers.get("location")).toMatch(/^\/\?event=\w+$/);
    expect((await get(unrouted.headers.get("location") ?? "")).text).toContain("Runs of event");
    const bad = await post("/events", "name=test%2Fui&data=%7Bnope");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("not valid JSON");
  });
});
