import { type DevServer, startDevServer } from "@glaze/inngest-dev-server";

/**
 * The built-in Inngest dev server as integration tests run it: on a free port (or `port`, to
 * come back where the app's client already looks), on the test's database unless told
 * otherwise, with fast retries and no polling. The process's Inngest client is pointed at it
 * (INNGEST_DEV) and sends unsigned, as in development.
 */
export async function startTestDevServer(options: {
  log: (line: string) => void;
  port?: number;
  databaseUrl?: string;
  backoffScale?: number;
}): Promise<DevServer> {
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.INNGEST_SIGNING_KEY;
  const server = await startDevServer({
    port: options.port ?? 0,
    databaseUrl: options.databaseUrl ?? (process.env.DATABASE_URL as string),
    backoffScale: options.backoffScale ?? 0.01,
    pollIntervalMs: 0,
    log: options.log,
  });
  process.env.INNGEST_DEV = server.url;
  return server;
}
