import { memo } from "react";
import { GUTTER_WIDTH, HEADER_HEIGHT } from "@/lib/client/grid-geometry";
import type { ColumnDto } from "@/lib/columns/serialize";
import { ColumnHeaderCell } from "./column-header-cell";
import type { ColumnWindow } from "./grid-row";
import type { GridTable } from "./use-grid-table";

function GridHeaderView({
  table,
  columns,
  colWindow,
  width,
  selectedColumns,
  sortOf,
  filteredKeys,
}: {
  table: GridTable;
  columns: ColumnDto[];
  colWindow: ColumnWindow;
  width: number;
  /** Columns selected whole, as a set of indices. */
  selectedColumns: Set<number>;
  /** The view's sort direction of a column key, if it sorts by it. */
  sortOf: (key: string) => "asc" | "desc" | undefined;
  /** Keys of the columns the view's filter names. */
  filteredKeys: Set<string>;
}) {
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const indices: number[] = [];
  for (let c = colWindow.start; c <= colWindow.end; c++) indices.push(c);
  return (
    <thead className="sticky top-0 z-20 block" style={{ width, height: HEADER_HEIGHT }}>
      <tr aria-rowindex={1} className="relative flex h-full">
        <th
          scope="col"
          aria-colindex={1}
          className="sticky left-0 z-10 flex shrink-0 items-center border-r border-b border-slate-300 bg-slate-100 px-2 text-[11px] font-medium tracking-wide text-slate-400 uppercase"
          style={{ width: GUTTER_WIDTH }}
        >
          <span className="w-11 text-right">#</span>
          <span className="ml-1.5">Status</span>
        </th>
        {columns.length > 0 ? (
          <ColumnHeaderCell
            key={columns[0].id}
            frozen
            column={columns[0]}
            header={headers[0]}
            colIndex={0}
            left={GUTTER_WIDTH}
            width={colWindow.widths[0]}
            selected={selectedColumns.has(0)}
            sorted={sortOf(columns[0].key)}
            filtered={filteredKeys.has(columns[0].key)}
          />
        ) : null}
        {indices.map((c) => (
          <ColumnHeaderCell
            key={columns[c].id}
            column={columns[c]}
            header={headers[c]}
            colIndex={c}
            left={GUTTER_WIDTH + colWindow.offsets[c]}
            width={colWindow.widths[c]}
            selected={selectedColumns.has(c)}
            sorted={sortOf(columns[c].key)}
            filtered={filteredKeys.has(columns[c].key)}
          />
        ))}
      </tr>
    </thead>
  );
}

export const GridHeader = memo(GridHeaderView);
