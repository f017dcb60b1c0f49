import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getTable } from "@/lib/tables/tables";

export const dynamic = "force-dynamic";

export default async function TablePage({ params }: { params: Promise<{ tableId: string }> }) {
  const { tableId } = await params;
  if (!z.uuid().safeParse(tableId).success) notFound();
  const table = await getTable({ tableId }).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <main className="px-6 py-6">
      <Link href="/" className="text-sm text-slate-500 hover:text-slate-800">
        ← Tables
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">{table.name}</h1>
      <p className="text-sm text-slate-500">
        {table.rowCount} rows · {table.columns?.length ?? 0} columns
      </p>
    </main>
  );
}
