import { beforeEach, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { LEADS_COLUMNS, LEADS_ROWS, LEADS_TABLE_NAME, seedLeads } from "@/prisma/seed/leads";
import { api } from "../support/api";
import { testAccount } from "../support/auth";
import { dbState } from "../support/db-state";

// Every test starts from an empty workspace (this file's own copy of the migrated template).
let workspaceId: string;
beforeEach(async () => {
  workspaceId = (await testAccount()).workspaceId;
  await getDb().table.deleteMany();
});

async function leadsTables() {
  return getDb().table.findMany({ where: { name: LEADS_TABLE_NAME } });
}

test("seedLeads – empty database → one Leads table with 8 columns and 10 rows", async () => {
  const result = await seedLeads({ workspaceId });

  expect(result.created).toBe(true);
  const tables = await leadsTables();
  expect(tables).toHaveLength(1);
  expect(result.table).toEqual({ id: tables[0].id, name: "Leads" });
  const db = getDb();
  const columns = await db.column.findMany({ where: { tableId: result.table.id }, orderBy: { order: "asc" } });
  expect(columns.map((c) => ({ key: c.key, label: c.label, dataType: c.dataType }))).toEqual(LEADS_COLUMNS);
  expect(columns.map((c) => c.order)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  const rows = await db.row.findMany({ where: { tableId: result.table.id }, orderBy: { position: "asc" } });
  expect(rows.map((r) => r.data)).toEqual(LEADS_ROWS);
  expect(rows.every((r) => r.status === "idle")).toBe(true);
  expect(result.rows.map((r) => r.name)).toEqual(LEADS_ROWS.map((r) => r.name));
  expect(result.columns.map((c) => c.key)).toEqual(LEADS_COLUMNS.map((c) => c.key));
});

test("seedLeads – run twice → still one Leads table with 10 rows and 8 columns, nothing changed", async () => {
  const first = await seedLeads({ workspaceId });
  const before = await dbState();

  const second = await seedLeads({ workspaceId });

  expect(second.created).toBe(false);
  expect(second).toEqual({ ...first, created: false });
  expect(await dbState()).toEqual(before);
  expect(await leadsTables()).toHaveLength(1);
  expect(await getDb().row.count()).toBe(10);
  expect(await getDb().column.count()).toBe(8);
});

test("seedLeads – concurrent runs → exactly one creates the table", async () => {
  const results = await Promise.all(Array.from({ length: 5 }, () => seedLeads({ workspaceId })));

  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(new Set(results.map((r) => r.table.id)).size).toBe(1);
  expect(await leadsTables()).toHaveLength(1);
  expect(await getDb().row.count()).toBe(10);
  expect(await getDb().column.count()).toBe(8);
});

test("seedLeads – other tables are left alone", async () => {
  const other = await api.post("/api/tables", { name: "Mine", columns: [{ key: "name", label: "Name" }] });

  await seedLeads({ workspaceId });

  const tables = await api.get("/api/tables");
  expect(tables.body.data.map((t: { name: string }) => t.name).sort()).toEqual(["Leads", "Mine"]);
  expect((await api.get(`/api/tables/${other.body.id}`)).body).toMatchObject({ name: "Mine", rowCount: 0 });
});

test("GET /api/tables/:tableId – the seeded table → its ordered columns and 10 rows", async () => {
  const { table } = await seedLeads({ workspaceId });

  const result = await api.get(`/api/tables/${table.id}`);
  const rows = await api.get(`/api/tables/${table.id}/rows`);

  expect(result.body).toMatchObject({ name: "Leads", rowCount: 10 });
  expect(result.body.columns.map((c: { key: string }) => c.key)).toEqual(LEADS_COLUMNS.map((c) => c.key));
  expect(rows.body.meta).toMatchObject({ total: 10, totalPages: 1 });
  expect(rows.body.data.map((r: { data: unknown }) => r.data)).toEqual(LEADS_ROWS);
});
