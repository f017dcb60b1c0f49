import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { TableSummary } from "@/components/grid/table-summary";
import { TableWorkspace } from "@/components/grid/table-workspace";
import { ProvidersNotice } from "@/components/providers-status/providers-notice";
import { AppHeader } from "@/components/shell/app-header";
import { pageAccessToTable, requirePageSession } from "@/lib/auth/page-session";
import { AppError } from "@/lib/errors";
import { getTable } from "@/lib/tables/tables";
import { getLastView } from "@/lib/views/last-view";
import { listViews } from "@/lib/views/views";

export const dynamic = "force-dynamic";

export default async function TablePage({
  params,
  searchParams,
}: {
  params: Promise<{ tableId: string }>;
  searchParams: Promise<{ view?: string | string[] }>;
}) {
  const { tableId } = await params;
  // ?view=<id>: a link to one of the table's saved views (the grid keeps it in the address).
  const { view } = await searchParams;
  const asked =
    view === "all" ? "all" : typeof view === "string" && z.uuid().safeParse(view).success ? view.toLowerCase() : null;
  const session = await requirePageSession(`/tables/${tableId}${asked ? `?view=${asked}` : ""}`);
  if (!z.uuid().safeParse(tableId).success) notFound();
  // A table of a workspace the person is not in does not exist for them.
  const access = await pageAccessToTable(session, tableId);
  if (!access) notFound();
  const table = await getTable({ tableId }).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  // Read here so the grid's first render and first rows are already the view linked to, else
  // the person's last view.
  const [views, last] = await Promise.all([listViews({ tableId }), getLastView({ userId: session.user.id, tableId })]);
  const opened = asked === "all" ? null : asked && views.data.some((v) => v.id === asked) ? asked : last.viewId;
  return (
    <main className="flex h-screen flex-col">
      <AppHeader session={session} workspaceId={access.workspaceId} />
      <header className="flex items-baseline gap-3 border-b border-slate-200 bg-white px-4 py-3">
        <Link href="/" className="text-sm text-slate-500 hover:text-slate-800">
          ← Tables
        </Link>
        <h1 className="text-lg font-semibold tracking-tight">{table.name}</h1>
        <TableSummary initialTable={table} />
        {table.description ? (
          <p className="hidden truncate text-sm text-slate-400 lg:block">{table.description}</p>
        ) : null}
        <ProvidersNotice tableId={tableId} />
      </header>
      <TableWorkspace initialTable={table} initialViews={views} openViewId={opened} permissions={access.permissions} />
    </main>
  );
}
