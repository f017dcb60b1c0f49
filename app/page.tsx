import Link from "next/link";
import { listTables } from "@/lib/tables/tables";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const { data: tables } = await listTables({ page: 1, limit: 200 });
  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <header className="mb-8">
        <h1 className="text-3xl font-semibold tracking-tight">Glaze</h1>
        <p className="mt-1 text-slate-600">Select cells, press Enrich, watch them fill in.</p>
      </header>
      <section aria-labelledby="tables-heading">
        <h2 id="tables-heading" className="mb-3 text-sm font-medium uppercase tracking-wide text-slate-500">
          Tables
        </h2>
        {tables.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">
            No tables yet. Create one with <code className="font-mono">POST /api/tables</code>.
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
            {tables.map((table) => (
              <li key={table.id}>
                <Link
                  href={`/tables/${table.id}`}
                  className="flex items-center justify-between px-5 py-4 hover:bg-slate-50 focus:bg-slate-50 focus:outline-none"
                >
                  <span>
                    <span className="font-medium">{table.name}</span>
                    {table.description ? <span className="block text-sm text-slate-500">{table.description}</span> : null}
                  </span>
                  <span className="text-sm tabular-nums text-slate-500">
                    {table.rowCount.toLocaleString("en-US")} rows
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
