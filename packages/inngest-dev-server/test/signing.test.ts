import { afterAll, beforeAll, expect, test } from "vitest";
import { signBody } from "../src/app-client";
import type { DevServer } from "../src/index";
import { sendAndGetRun, startApp, startServer, type TestApp } from "./helpers";

// With a signing key the server signs its requests the way Inngest Cloud does, so an
// app in cloud mode (which verifies every request) runs unchanged. The app also streams
// its responses (serve's `streaming`: 201, heartbeats, then the real response).

const signingKey = `signkey-test-${"ab12".repeat(16)}`;
let server: DevServer;
let app: TestApp;

beforeAll(async () => {
  server = await startServer({ signingKey });
  app = await startApp(
    server.url,
    (inngest) => [
      inngest.createFunction({ id: "signed", triggers: [{ event: "test/signed" }] }, async ({ step }) => {
        const one = await step.run("one", () => 1);
        const [two, three] = await Promise.all([step.run("two", () => 2), step.run("three", () => 3)]);
        return one + two + three;
      }),
    ],
    { isDev: false, signingKey, eventKey: "test-event-key" },
    { streaming: true },
  );
  await server.syncApp(app.url);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

test("an app in cloud mode accepts the signed requests and the run completes", async () => {
  const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/signed" }));
  expect(run.status).toBe("completed");
  expect(JSON.parse(run.output ?? "null")).toBe(6);
});

test("an unsigned or wrongly signed request is rejected by that app", async () => {
  const url = `${app.url}?fnId=dev-server-test-signed&stepId=step`;
  const body = JSON.stringify({
    event: { name: "test/signed", data: {} },
    events: [],
    steps: {},
    ctx: { run_id: "r", attempt: 0, disable_immediate_execution: false, use_api: false },
    version: 2,
  });
  // Streamed: 201 at once, the real status comes inside the body.
  const status = async (res: Response) => (res.status === 201 ? JSON.parse(await res.text()).status : res.status);
  const unsigned = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  expect(await status(unsigned)).toBe(401);
  const wrong = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-inngest-signature": signBody(body, "signkey-test-00ff") },
    body,
  });
  expect(await status(wrong)).toBe(401);
  const right = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-inngest-signature": signBody(body, signingKey) },
    body,
  });
  expect(right.status).toBe(201);
  expect(await status(right)).toBe(206);
});
