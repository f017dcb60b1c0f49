import { FlexRender, type Header } from "@tanstack/react-table";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { RowDto } from "@/lib/rows/serialize";
import { ColumnResizeHandle } from "./column-resize-handle";
import type { GridFeatures } from "./use-grid-table";

const TYPE_MARK: Record<ColumnDto["dataType"], string> = {
  text: "Aa",
  number: "#",
  url: "↗",
  email: "@",
  boolean: "✓",
  date: "▦",
};

/**
 * A column header: click selects the column, the ⋯ button opens the column's menu, the right
 * edge resizes it. An arrow shows the view sorts by it, a dot that the view filters on it.
 */
export function ColumnHeaderCell({
  column,
  header,
  colIndex,
  left,
  width,
  selected,
  sorted,
  filtered,
  frozen = false,
}: {
  column: ColumnDto;
  header: Header<GridFeatures, RowDto, unknown> | undefined;
  colIndex: number;
  left: number;
  width: number;
  selected: boolean;
  sorted?: "asc" | "desc";
  filtered?: boolean;
  /** The first column's header, which stays in place while the others scroll under it. */
  frozen?: boolean;
}) {
  return (
    <th
      scope="col"
      aria-colindex={colIndex + 2}
      aria-selected={selected}
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
      data-col={colIndex}
      data-header=""
      title={`${column.label} · key: ${column.key} · ${column.dataType}`}
      data-frozen={frozen ? "" : undefined}
      className={`group ${frozen ? "sticky z-10 shrink-0" : "absolute top-0"} flex h-full cursor-pointer items-center gap-2 border-r border-b border-slate-300 px-2.5 text-left text-xs font-semibold text-slate-700 select-none ${selected ? "bg-blue-100" : "bg-slate-100 hover:bg-slate-200"}`}
      style={{ left, width }}
    >
      <span aria-hidden="true" className="w-4 shrink-0 text-center font-mono text-[11px] font-normal text-slate-400">
        {TYPE_MARK[column.dataType]}
      </span>
      <span className="truncate">{header ? <FlexRender header={header} /> : column.label}</span>
      {sorted ? (
        <span aria-hidden="true" className="shrink-0 text-[10px] text-blue-700">
          {sorted === "asc" ? "▲" : "▼"}
        </span>
      ) : null}
      {filtered ? (
        <span aria-hidden="true" title="Filtered" className="size-1.5 shrink-0 rounded-full bg-blue-600" />
      ) : null}
      <button
        type="button"
        data-column-menu={colIndex}
        aria-label={`Column options: ${column.label}`}
        aria-haspopup="menu"
        className="ml-auto rounded px-1 text-base leading-none text-slate-400 opacity-0 group-hover:opacity-100 hover:bg-slate-300/60 hover:text-slate-700 focus-visible:opacity-100"
      >
        ⋯
      </button>
      {header ? <ColumnResizeHandle header={header} label={column.label} /> : null}
    </th>
  );
}
