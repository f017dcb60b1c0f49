import type { Header } from "@tanstack/react-table";
import type { RowDto } from "@/lib/rows/serialize";
import type { GridFeatures } from "./use-grid-table";

/** The right edge of a column header: drag it to resize the column (TanStack's resize handler). */
export function ColumnResizeHandle({
  header,
  label,
}: {
  header: Header<GridFeatures, RowDto, unknown>;
  label: string;
}) {
  const resize = header.getResizeHandler();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a column divider you drag is a separator, not an hr
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${label}`}
      data-resize-handle=""
      onMouseDown={(event) => {
        event.stopPropagation();
        resize(event);
      }}
      onTouchStart={(event) => {
        event.stopPropagation();
        resize(event);
      }}
      className={`absolute top-0 right-0 h-full w-1.5 cursor-col-resize select-none hover:bg-blue-400 ${header.column.getIsResizing() ? "bg-blue-500" : ""}`}
    />
  );
}
