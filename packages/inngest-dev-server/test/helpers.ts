import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { type DevServer, type DevServerOptions, startDevServer } from "../src/index";

// A real SDK app served from node:http, driven by a real dev server on a random port.

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

export type TestClient = Inngest.Any;

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (tests/setup/file-db.ts provides it)");
  return url;
}

export async function startServer(options: Partial<DevServerOptions> = {}, logs: string[] = []): Promise<DevServer> {
  return startDevServer({
    port: 0,
    databaseUrl: databaseUrl(),
    backoffScale: 0.01,
    pollIntervalMs: 0,
    log: (line) => logs.push(line),
    ...options,
  });
}

export interface TestApp {
  url: string;
  inngest: TestClient;
  close(): Promise<void>;
}

export async function startApp(
  baseUrl: string,
  build: (inngest: TestClient) => InngestFunction.Any[],
  clientOptions: Record<string, unknown> = {},
  serveOptions: { streaming?: boolean } = {},
): Promise<TestApp> {
  const inngest = new Inngest({
    id: "dev-server-test",
    isDev: true,
    baseUrl,
    logger: quiet,
    internalLogger: quiet,
    ...clientOptions,
  }) as TestClient;
  const handler = serve({ client: inngest, functions: build(inngest), ...serveOptions });
  const server = http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/inngest`,
    inngest,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends one event through the SDK and returns the id of the single run it started. */
export async function sendAndGetRun(
  server: DevServer,
  inngest: TestClient,
  event: { name: string; data?: Record<string, unknown> },
): Promise<string> {
  const { ids } = await inngest.send(event);
  const runs = await server.runsForEvent(ids[0]);
  if (runs.length !== 1) throw new Error(`expected one run for ${event.name}, got ${runs.length}`);
  return runs[0].id;
}

/** Polls until `check` returns a value (not undefined); for state that has no event to await. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise with its resolver, to hold a step open until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
