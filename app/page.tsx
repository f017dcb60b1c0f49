import Link from "next/link";
import { ImportCsvButton } from "@/components/csv/import-csv-button";
import { CreateTableForm } from "@/components/home/create-table-form";
import { FirstWorkspaceForm } from "@/components/home/first-workspace-form";
import { plural } from "@/components/jobs/format";
import { ProvidersNotice } from "@/components/providers-status/providers-notice";
import { AppHeader } from "@/components/shell/app-header";
import { requirePageSession } from "@/lib/auth/page-session";
import { listTables } from "@/lib/tables/tables";

export const dynamic = "force-dynamic";

const date = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric" });

export default async function HomePage() {
  const session = await requirePageSession("/");
  const workspace = session.active;
  const canWrite = workspace?.role !== "viewer";
  const { data: tables } = await listTables({ workspaceId: workspace?.id ?? null, page: 1, limit: 200 });
  return (
    <>
      <AppHeader session={session} />
      <main className="mx-auto max-w-4xl px-6 py-12">
        <header className="mb-8 flex flex-wrap items-end justify-between gap-4">
          <div>
            <h1 className="text-3xl font-semibold tracking-tight">{workspace ? workspace.name : "Glaze"}</h1>
            <p className="mt-1 text-slate-600">Select cells, press Enrich, watch them fill in.</p>
          </div>
          {workspace ? <ProvidersNotice /> : null}
          {workspace && canWrite ? (
            <div className="flex flex-wrap items-center gap-2">
              <CreateTableForm />
              <ImportCsvButton className="h-9 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50" />
            </div>
          ) : null}
        </header>
        {workspace ? null : (
          <div className="mb-6 space-y-4 text-center">
            <p className="text-slate-600">You are not in a workspace yet.</p>
            <FirstWorkspaceForm />
          </div>
        )}
        {workspace ? (
          <section aria-labelledby="tables-heading">
            <h2 id="tables-heading" className="mb-3 text-sm font-medium uppercase tracking-wide text-slate-500">
              Tables
            </h2>
            {tables.length === 0 ? (
              <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">
                {canWrite
                  ? "No tables yet. Create one above, or import a CSV: its header row becomes the columns."
                  : "No tables yet. The workspace's members and admins can create them; you can read them."}
              </p>
            ) : (
              <ul className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
                {tables.map((table) => (
                  <li key={table.id}>
                    <Link
                      href={`/tables/${table.id}`}
                      className="flex items-center justify-between gap-4 px-5 py-4 hover:bg-slate-50 focus:bg-slate-50 focus:outline-none"
                    >
                      <span className="min-w-0">
                        <span className="font-medium">{table.name}</span>
                        {table.description ? (
                          <span className="block truncate text-sm text-slate-500">{table.description}</span>
                        ) : null}
                      </span>
                      <span className="shrink-0 text-right text-sm tabular-nums text-slate-500">
                        {plural(table.rowCount, "row")}
                        <span className="block text-xs text-slate-400">
                          updated {date.format(new Date(table.updatedAt))}
                        </span>
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ) : null}
      </main>
    </>
  );
}
