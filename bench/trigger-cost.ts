// What the live-update triggers (prisma/migrations/*_live_updates) cost the cell engine: the
// engine bench run alternately with and without them on one database, so the machine's drift
// between runs hits both sides alike.
//   npx tsx --conditions=react-server bench/trigger-cost.ts
// TRIGGER_COST_SIDES=none,all,"cells hints","rows log","all but cells hints" (default none,all),
// TRIGGER_COST_ROUNDS=3, TRIGGER_COST_PG_PORT=54399.
import { migrate, startEmbeddedPostgres } from "@glaze/database";
import pg from "pg";
import { disconnectDb, getDb } from "../lib/db";
import { benchEngine, type EngineFigures } from "./engine.bench";
import { fmt } from "./support";

const TRIGGERS = [
  ["cell_enrichment_tasks_notify_insert", "cell_enrichment_tasks"],
  ["cell_enrichment_tasks_notify_update", "cell_enrichment_tasks"],
  ["enrichment_jobs_notify_insert", "enrichment_jobs"],
  ["enrichment_jobs_notify_update", "enrichment_jobs"],
  ["rows_log_insert", "rows"],
  ["rows_log_update", "rows"],
  ["rows_log_delete", "rows"],
] as const;

const server = await startEmbeddedPostgres({
  dir: ".glaze/trigger-cost-postgres",
  port: Number(process.env.TRIGGER_COST_PG_PORT ?? 54399),
  database: "postgres",
});
const admin = new pg.Client({ connectionString: server.adminUrl });
await admin.connect();
await admin.query("DROP DATABASE IF EXISTS glaze_trigger_cost WITH (FORCE)");
await admin.query("CREATE DATABASE glaze_trigger_cost");
await admin.end();
const url = new URL(server.adminUrl);
url.pathname = "/glaze_trigger_cost";
process.env.DATABASE_URL = url.toString();
await migrate(url.toString());

// A listener, as every app process has one: notifications are then really delivered.
const listener = new pg.Client({ connectionString: url.toString() });
await listener.connect();
await listener.query("LISTEN glaze_changes");
let notifications = 0;
listener.on("notification", () => notifications++);

const setTriggers = async (enabled: Set<string>) => {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  for (const [name, table] of TRIGGERS) {
    await client.query(`ALTER TABLE "${table}" ${enabled.has(name) ? "ENABLE" : "DISABLE"} TRIGGER "${name}"`);
  }
  await client.end();
};

// The engine bench's tables belong to a workspace, as every table does.
const workspace = await getDb().organization.create({ data: { name: "trigger cost", slug: "trigger-cost" } });

// Sides compared: no trigger on the engine's tables, every trigger, and each part alone.
const ALL = TRIGGERS.map(([name]) => name as string);
const SIDES: Record<string, string[]> = {
  none: [],
  all: ALL,
  "cells hints": ["cell_enrichment_tasks_notify_insert", "cell_enrichment_tasks_notify_update"],
  "rows log": ["rows_log_insert", "rows_log_update", "rows_log_delete"],
  "all but cells hints": ALL.filter((name) => !name.startsWith("cell_enrichment_tasks")),
};
const sides = (process.env.TRIGGER_COST_SIDES ?? "none,all").split(",");
const results = new Map<string, EngineFigures[]>(sides.map((side) => [side, []]));
const rounds = Number(process.env.TRIGGER_COST_ROUNDS ?? 3);
for (let round = 1; round <= rounds; round++) {
  for (const side of round % 2 ? sides : [...sides].reverse()) {
    await setTriggers(new Set(SIDES[side]));
    console.log(`\n-- round ${round}: ${side}`);
    notifications = 0;
    results.get(side)?.push(await benchEngine(workspace.id));
    console.log(`   ${fmt(notifications)} notifications received`);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`\nmean cells/s over ${rounds} rounds: ${sides.join(" | ")} (change against ${sides[0]})`);
for (const [label, pick] of [
  ["runCellTask 1 caller", (f: EngineFigures) => f.single[1]],
  ["runCellTask 8 callers", (f: EngineFigures) => f.single[8]],
  ["runCellTask 32 callers", (f: EngineFigures) => f.single[32]],
  ["runCellBatch 1 caller", (f: EngineFigures) => f.batch[1]],
  ["runCellBatch 4 callers", (f: EngineFigures) => f.batch[4]],
] as const) {
  const means = sides.map((side) => mean((results.get(side) ?? []).map(pick)));
  const cells = means.map((m, i) => (i === 0 ? fmt(m) : `${fmt(m)} (${fmt((100 * (m - means[0])) / means[0], 1)} %)`));
  console.log(`  ${label.padEnd(24)} ${cells.join(" | ")}`);
}
await listener.end();
await disconnectDb();
await server.stop();
process.exit(0);
