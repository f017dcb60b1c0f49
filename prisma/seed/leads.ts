import { getDb } from "../../lib/db";

// The demo "Leads" table: two input columns that are filled in and six columns meant to
// be enriched. Idempotent: a second run finds the table by name and changes nothing.

export const LEADS_TABLE_NAME = "Leads";

export const LEADS_COLUMNS = [
  { key: "name", label: "Name", dataType: "text" },
  // Bare domains (analytical.io), not URLs: text, as a CSV import of them would type it.
  { key: "domain", label: "Company domain", dataType: "text" },
  { key: "email", label: "Email", dataType: "email" },
  { key: "company", label: "Company", dataType: "text" },
  { key: "title", label: "Title", dataType: "text" },
  { key: "linkedin", label: "LinkedIn", dataType: "url" },
  { key: "location", label: "Location", dataType: "text" },
  { key: "industry", label: "Industry", dataType: "text" },
] as const;

export const LEADS_ROWS = [
  { name: "Ada Lovelace", domain: "analytical.io" },
  { name: "Grace Hopper", domain: "cobol.dev" },
  { name: "Alan Turing", domain: "enigma.co.uk" },
  { name: "Katherine Johnson", domain: "orbital.space" },
  { name: "Linus Torvalds", domain: "kernel.org" },
  { name: "Margaret Hamilton", domain: "apollo.systems" },
  { name: "Tim Berners-Lee", domain: "w3.org" },
  { name: "Barbara Liskov", domain: "substitution.net" },
  { name: "Donald Knuth", domain: "tex.ac" },
  { name: "Radia Perlman", domain: "spanningtree.com" },
];

export type SeedResult = {
  created: boolean;
  table: { id: string; name: string };
  columns: { id: string; key: string }[];
  rows: { id: string; name: string }[];
};

/** The Leads table of `workspaceId`, created if the workspace has none. */
export async function seedLeads({ workspaceId }: { workspaceId: string }, db = getDb()): Promise<SeedResult> {
  return db.$transaction(async (tx) => {
    // Serialise concurrent seeds so two of them cannot both create the table.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242001)`;
    let table = await tx.table.findFirst({
      where: { workspaceId, name: LEADS_TABLE_NAME },
      orderBy: { createdAt: "asc" },
    });
    const created = !table;
    if (!table) {
      table = await tx.table.create({
        data: {
          workspaceId,
          name: LEADS_TABLE_NAME,
          description: "Demo leads: names and domains filled in, the rest waiting to be enriched",
          columns: { create: LEADS_COLUMNS.map((c, order) => ({ ...c, order })) },
        },
      });
      for (const data of LEADS_ROWS) {
        await tx.row.create({ data: { tableId: table.id, data } });
      }
    }
    const columns = await tx.column.findMany({ where: { tableId: table.id }, orderBy: { order: "asc" } });
    const rows = await tx.row.findMany({ where: { tableId: table.id }, orderBy: { position: "asc" } });
    return {
      created,
      table: { id: table.id, name: table.name },
      columns: columns.map((c) => ({ id: c.id, key: c.key })),
      rows: rows.map((r) => ({ id: r.id, name: String((r.data as Record<string, unknown>).name ?? "") })),
    };
  });
}
