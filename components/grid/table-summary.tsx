"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchers, type TableDto } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";

/** "10 rows · 8 columns", kept current as rows and columns are added in the grid below. */
export function TableSummary({ initialTable }: { initialTable: TableDto }) {
  const { data: table } = useQuery({
    queryKey: queryKeys.tableMeta(initialTable.id),
    queryFn: ({ signal }) => fetchers.getTable(initialTable.id, signal),
    initialData: initialTable,
  });
  const columns = table.columns?.length ?? 0;
  return (
    <p className="text-sm text-slate-500 tabular-nums">
      {table.rowCount.toLocaleString("en-US")} row{table.rowCount === 1 ? "" : "s"} · {columns} column
      {columns === 1 ? "" : "s"}
    </p>
  );
}
