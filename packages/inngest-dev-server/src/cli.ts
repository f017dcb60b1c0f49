// glaze-inngest-dev [-u <serve url>]... [--port 8288] [--host 127.0.0.1] [--database-url <postgres url>]
//   [--max-in-flight 32] [--poll-interval <seconds>] [--backoff-scale 1] [--no-checkpointing]
//   [--synchronous-commit]
// A drop-in for `npx inngest-cli dev`. Its state lives in Postgres: --database-url, else
// INNGEST_DEV_DATABASE_URL, else DATABASE_URL. INNGEST_SIGNING_KEY turns on request signing.
import { parseArgs } from "node:util";
import { startDevServer } from "./index";

const USAGE = `usage: glaze-inngest-dev [-u <serve url>]... [--port 8288] [--host 127.0.0.1]
              [--database-url <postgres url>] [--max-in-flight 32]
              [--poll-interval <seconds, 0 = off>] [--backoff-scale <factor>] [--no-checkpointing]
              [--synchronous-commit]`;

function number(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got "${raw}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    "sdk-url": { type: "string", short: "u", multiple: true },
    port: { type: "string", short: "p" },
    host: { type: "string" },
    "database-url": { type: "string" },
    "max-in-flight": { type: "string" },
    "poll-interval": { type: "string" },
    "backoff-scale": { type: "string" },
    "no-checkpointing": { type: "boolean" },
    "synchronous-commit": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const databaseUrl =
  values["database-url"] || process.env.INNGEST_DEV_DATABASE_URL || process.env.DATABASE_URL || undefined;
if (!databaseUrl) {
  console.error(
    `a Postgres URL is required (--database-url, INNGEST_DEV_DATABASE_URL or DATABASE_URL): the dev server keeps its state in the inngest_dev schema\n${USAGE}`,
  );
  process.exit(2);
}

const server = await startDevServer({
  databaseUrl,
  port: number("port", values.port, 8288),
  host: values.host,
  appUrls: values["sdk-url"] ?? [],
  maxInFlight: number("max-in-flight", values["max-in-flight"], 32),
  pollIntervalMs: number("poll-interval", values["poll-interval"], 5) * 1000,
  backoffScale: number("backoff-scale", values["backoff-scale"], 1),
  signingKey: process.env.INNGEST_SIGNING_KEY || undefined,
  checkpointing: !values["no-checkpointing"],
  synchronousCommit: values["synchronous-commit"] ?? false,
});

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) {
    // A second Ctrl-C: stop waiting; all state is in Postgres anyway.
    process.exit(130);
  }
  stopping = true;
  console.log(`[inngest-dev] ${signal}: finishing in-flight requests; unfinished runs resume on next start`);
  await server.close();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
