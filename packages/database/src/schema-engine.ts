// Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), driven over
// a `pg` driver adapter. This is how migrations are authored and checked offline: the native
// schema-engine binary that `prisma migrate dev/diff` spawn cannot be downloaded here.
//
// What it takes to make that work (each verified against engine 7.10.0-4.0edf323e):
// - Loading: the package's entry imports the .wasm as an ES module (Node 20 needs a flag), so
//   it is instantiated by hand, once per process, and a panic registry is installed.
// - `"char"` catalog columns (pg_constraint.contype...): @prisma/adapter-pg rejects them as
//   UnsupportedNativeDataType while the engine's describer requires them as Character.
// - adapter-pg's `executeScript` splits scripts on `;`, breaking `$$` function bodies.
// - adapter-pg's `connectToShadowDb()` may put the shadow database on the main one (a
//   `connectionString` overrides `database` in pg) and drops it before closing its pool.
// - `diff` rejects `url` targets; the live database is the `schemaDatasource` target, reached
//   through the adapter. Live database -> datamodel needs no shadow database at all.
// - Prisma compares `dbgenerated()` defaults as text, and Postgres normalises them, so such a
//   default is reported as changed forever unless the diff is normalised (see below).
// - `createMigration` is not usable here: it fails with "PostgreSQL shadow DB must be provided
//   through an external factory". Migrations are written from `diff` output instead.

import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { DiffTarget, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import pg from "pg";

export const SCHEMA_PATH = path.resolve(process.cwd(), "prisma/schema.prisma");

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

// ---------------------------------------------------------------------------------------------
// Loading the Wasm module

type SchemaEngineClass = typeof SchemaEngine;
type WasmRuntime = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// wasm-bindgen keeps one module-level instance inside schema_engine_bg.js; initialising it
// twice in one process breaks it. Keep the promise on globalThis so that separately bundled
// copies of this module (e.g. one per Vitest file) share it.
const LOADED = Symbol.for("glaze.schemaEngineWasm");
type GlobalWithEngine = typeof globalThis & { [LOADED]?: Promise<SchemaEngineClass> };

// A Rust panic in the engine reports its message here before the Wasm trap (RuntimeError:
// unreachable) surfaces; without this object the report itself throws a TypeError.
const PANIC_REGISTRY = "PRISMA_WASM_PANIC_REGISTRY";
type PanicRegistry = { message: string; set_message(message: string): void };

function panicRegistry(): PanicRegistry {
  const g = globalThis as Record<string, unknown>;
  g[PANIC_REGISTRY] ??= {
    message: "",
    set_message(message: string) {
      this.message = message;
    },
  } satisfies PanicRegistry;
  return g[PANIC_REGISTRY] as PanicRegistry;
}

async function instantiate(): Promise<SchemaEngineClass> {
  panicRegistry();
  const require = createRequire(import.meta.url);
  const runtimePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const runtime: WasmRuntime = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  // The package's entry point imports the .wasm file as an ES module, which Node 20 only
  // supports behind --experimental-wasm-modules. Instantiate it by hand instead.
  const bytes = await readFile(path.join(path.dirname(runtimePath), "schema_engine_bg.wasm"));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    "./schema_engine_bg.js": runtime as unknown as WebAssembly.ModuleImports,
  });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return runtime.SchemaEngine;
}

function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  const g = globalThis as GlobalWithEngine;
  g[LOADED] ??= instantiate();
  return g[LOADED];
}

// ---------------------------------------------------------------------------------------------
// Driver adapter

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type QueryResultLike = { fields: { dataTypeID: number }[] };
type PgAdapterInternals = {
  performIO(query: unknown): Promise<QueryResultLike>;
  queryRaw(query: SqlQuery): Promise<SqlResultSet>;
  onError(error: unknown): never;
  executeScript?(script: string): Promise<void>;
  underlyingDriver?(): pg.Pool;
  startTransaction?(...args: unknown[]): Promise<object>;
};

/**
 * Fixes two gaps of @prisma/adapter-pg 7.10 that the schema engine runs into, on one adapter
 * (or transaction) instance:
 * - `"char"` columns: the stock adapter throws UnsupportedNativeDataType for them, but the
 *   engine's catalog queries need them (and expect ColumnType Character). Each query runs
 *   against a per-call view of the adapter whose performIO hides the type from the adapter's
 *   mapping; those columns are then reported as Character.
 * - `executeScript` splits the script on every `;`, which breaks `$$ ... $$` function bodies
 *   (the hand-written SQL in our migrations). Send the script as one simple-protocol query.
 */
function patchPgAdapter<T extends object>(queryable: T): T {
  const target = queryable as T & PgAdapterInternals;
  if (typeof target.performIO !== "function" || typeof target.queryRaw !== "function") {
    throw new Error(
      "@prisma/adapter-pg internals changed (performIO/queryRaw); update packages/database/src/schema-engine.ts",
    );
  }
  const performIO = target.performIO;
  const queryRaw = target.queryRaw;
  target.queryRaw = async (query) => {
    let charColumns: number[] = [];
    const view = Object.create(target, {
      performIO: {
        value: async (q: unknown) => {
          const result = await performIO.call(target, q);
          charColumns = [];
          result.fields.forEach((field, i) => {
            if (field.dataTypeID === PG_CHAR_OID) {
              field.dataTypeID = PG_TEXT_OID;
              charColumns.push(i);
            }
          });
          return result;
        },
      },
    }) as PgAdapterInternals;
    const result = await queryRaw.call(view, query);
    for (const i of charColumns) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  if (typeof target.executeScript === "function" && typeof target.underlyingDriver === "function") {
    const pool = target.underlyingDriver();
    target.executeScript = async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        target.onError(error);
      }
    };
  }
  if (typeof target.startTransaction === "function") {
    const startTransaction = target.startTransaction;
    target.startTransaction = async (...args) => patchPgAdapter(await startTransaction.apply(target, args));
  }
  return queryable;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A migration-aware adapter factory for the database at `url` (see the traps above). */
export function pgAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const stock = new PrismaPg(url);
  return {
    provider: stock.provider,
    adapterName: stock.adapterName,
    connect: async () => patchPgAdapter(await new PrismaPg(url).connect()),
    connectToShadowDb: async (): Promise<SqlDriverAdapter> => {
      const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
      await adminQuery(url, `CREATE DATABASE "${database}"`);
      let adapter: SqlDriverAdapter;
      try {
        adapter = patchPgAdapter(await new PrismaPg(withDatabase(url, database)).connect());
      } catch (error) {
        await adminQuery(url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        throw error;
      }
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose(); // closes the pool first
        await adminQuery(url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      };
      return adapter;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Engine

export type SchemaFile = { path: string; content: string };

export async function readSchemaFiles(schemaPath = SCHEMA_PATH): Promise<SchemaFile[]> {
  return [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }];
}

/** The message of the last Rust panic inside the Wasm engine, if any (see PANIC_REGISTRY). */
export function lastEnginePanic(): string | undefined {
  return panicRegistry().message || undefined;
}

/** Runs `fn` with a schema engine connected to the database at `url`, then frees it. */
export async function withSchemaEngine<T>(
  url: string,
  schemaFiles: SchemaFile[],
  fn: (engine: SchemaEngine) => Promise<T>,
  options: { debug?: (line: string) => void } = {},
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngineClass();
  const engine = await SchemaEngineClass.new(
    { datamodels: schemaFiles.map((f): [string, string] => [f.path, f.content]) },
    options.debug ?? (() => {}),
    bindMigrationAwareSqlAdapterFactory(pgAdapterFactory(url)),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

async function diffScript(engine: SchemaEngine, schemaFiles: SchemaFile[]): Promise<string | null> {
  // `url` targets are rejected by this engine ("--from-url ... no longer supported"); a
  // schemaDatasource target means "the live database", which it reaches through the adapter.
  const from: DiffTarget = { tag: "schemaDatasource", files: schemaFiles, configDir: process.cwd() };
  const to: DiffTarget = { tag: "schemaDatamodel", files: schemaFiles };
  const result = await engine.diff({ from, to, script: true, exitCode: true, filters: NO_FILTER });
  const sql = (result.stdout ?? "").trim();
  return result.exitCode === 0 || sql === "" || sql === "-- This is an empty migration." ? null : `${sql}\n`;
}

type DefaultChange = { table: string; column: string; expression: string };

/** `ALTER TABLE "t" ... ALTER COLUMN "c" SET DEFAULT expr` clauses of a diff script. */
function setDefaultClauses(script: string): DefaultChange[] {
  const changes: DefaultChange[] = [];
  const statement = /^ALTER TABLE ((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") ([\s\S]*?);$/gm;
  for (const [, table, body] of script.matchAll(statement)) {
    for (const clause of body.split(/,\n/)) {
      const match = /^ALTER COLUMN "((?:[^"]|"")+)" SET DEFAULT ([\s\S]+)$/.exec(clause.trim());
      if (match) changes.push({ table, column: match[1].replaceAll('""', '"'), expression: match[2] });
    }
  }
  return changes;
}

const COLUMN_DEFAULT = `
  SELECT pg_get_expr(d.adbin, d.adrelid) AS expr
    FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid = $1::regclass AND a.attname = $2`;

/**
 * Prisma compares `dbgenerated(...)` defaults as text, and Postgres stores expressions in its
 * own normal form (e.g. `(pg_current_xact_id())::text::bigint` comes back as
 * `((pg_current_xact_id())::text)::bigint`), so such a default shows up as a change forever.
 * For each SET DEFAULT in the diff, let Postgres decide: apply it in a rolled-back
 * transaction and compare the stored expression with the current one. Returns, for the
 * defaults that would not change anything, the schema's text -> the database's text.
 */
async function equivalentDefaults(url: string, script: string): Promise<Map<string, string>> {
  const equivalent = new Map<string, string>();
  const changes = setDefaultClauses(script);
  if (changes.length === 0) return equivalent;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const change of changes) {
      await client.query("BEGIN");
      try {
        const before = await client.query<{ expr: string }>(COLUMN_DEFAULT, [change.table, change.column]);
        const current = before.rows[0]?.expr;
        if (current === undefined) continue;
        const column = `"${change.column.replaceAll('"', '""')}"`;
        await client.query(`ALTER TABLE ${change.table} ALTER COLUMN ${column} SET DEFAULT ${change.expression}`);
        const after = await client.query<{ expr: string }>(COLUMN_DEFAULT, [change.table, change.column]);
        if (after.rows[0]?.expr === current) equivalent.set(change.expression, current);
      } catch {
        // Not something we can evaluate: leave it in the diff.
      } finally {
        await client.query("ROLLBACK");
      }
    }
  } finally {
    await client.end();
  }
  return equivalent;
}

/** Rewrites `dbgenerated("<schema text>")` to `dbgenerated("<database text>")`. */
function rewriteDbGenerated(files: SchemaFile[], equivalent: Map<string, string>): SchemaFile[] {
  return files.map((file) => {
    let content = file.content;
    for (const [schemaText, databaseText] of equivalent) {
      content = content
        .split(`dbgenerated(${JSON.stringify(schemaText)})`)
        .join(`dbgenerated(${JSON.stringify(databaseText)})`);
    }
    return { ...file, content };
  });
}

/**
 * The SQL that takes the database at `url` to what the Prisma schema describes, or null when
 * there is nothing to do. Only what Prisma models is compared (tables, columns with their
 * types, nullability and defaults, indexes, enums, foreign keys); functions and triggers
 * written by hand in migrations are ignored, and so is Prisma's `_prisma_migrations` table.
 * `dbgenerated` defaults that Postgres merely spells differently are not reported.
 */
export async function diffDatabaseToSchema(
  url: string,
  options: { schemaPath?: string; debug?: (line: string) => void } = {},
): Promise<string | null> {
  const schemaFiles = await readSchemaFiles(options.schemaPath);
  return withSchemaEngine(
    url,
    schemaFiles,
    async (engine) => {
      const script = await diffScript(engine, schemaFiles);
      if (script === null) return null;
      const equivalent = await equivalentDefaults(url, script);
      if (equivalent.size === 0) return script;
      // If the rewritten schema is somehow not accepted, report the unnormalised diff.
      return diffScript(engine, rewriteDbGenerated(schemaFiles, equivalent)).catch(() => script);
    },
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// Scratch database with every migration applied

export const MIGRATE_PG_DIR = ".glaze/migrate-postgres";
export const MIGRATE_PG_PORT = 54369;
const SCRATCH_PREFIX = "glaze_migrate_";

/**
 * Starts (or reuses) a private embedded Postgres (`.glaze/migrate-postgres`, port 54369;
 * GLAZE_MIGRATE_PG_DIR / GLAZE_MIGRATE_PG_PORT override them), creates a scratch database,
 * applies every migration in prisma/migrations to it with ./migrate.ts, runs `fn`
 * with its URL, then drops it and stops the server if it was started here.
 */
export async function withMigratedScratchDatabase<T>(
  fn: (url: string) => Promise<T>,
  options: { log?: (line: string) => void; migrationsDir?: string } = {},
): Promise<T> {
  const { startEmbeddedPostgres } = await import("./embedded");
  const { migrate } = await import("./migrate");
  const server = await startEmbeddedPostgres({
    dir: process.env.GLAZE_MIGRATE_PG_DIR ?? MIGRATE_PG_DIR,
    port: Number(process.env.GLAZE_MIGRATE_PG_PORT ?? MIGRATE_PG_PORT),
    database: "postgres",
  });
  try {
    if (server.startedHere) {
      // Nobody else is using this server: drop what an interrupted earlier run left behind.
      const admin = new pg.Client({ connectionString: server.adminUrl });
      await admin.connect();
      try {
        const stale = await admin.query<{ datname: string }>(
          "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
          [SCRATCH_PREFIX],
        );
        for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    }
    const name = `${SCRATCH_PREFIX}${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    await adminQuery(server.adminUrl, `CREATE DATABASE "${name}"`);
    try {
      const url = withDatabase(server.adminUrl, name);
      await migrate(url, { dir: options.migrationsDir, log: options.log });
      return await fn(url);
    } finally {
      await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await server.stop();
  }
}
