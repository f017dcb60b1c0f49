import {
  type ColumnSizingState,
  columnResizingFeature,
  columnSizingFeature,
  createColumnHelper,
  type OnChangeFn,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { createElement, useMemo } from "react";
import { cellValueOf } from "@/lib/client/cell-value";
import { columnWidth } from "@/lib/client/grid-geometry";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { RowDto } from "@/lib/rows/serialize";
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from "@/lib/views/view-schemas";
import { cellRenderers } from "./cells/cell-renderers";

const features = tableFeatures({ columnSizingFeature, columnResizingFeature });
const helper = createColumnHelper<typeof features, RowDto>();
const getRowId = (row: RowDto) => row.id;

export type GridTable = ReturnType<typeof useGridTable>;
export type GridFeatures = typeof features;

/**
 * The table model: one column per shown API column (id = column id, so cell states keyed by
 * column id line up), rows = the loaded blocks in view. Column sizes are the view's
 * (`sizing`, by column id), changed by dragging a header's edge (TanStack's column resizing,
 * committed while dragging). Selection, windows and geometry live outside it because they
 * must span rows that are not loaded.
 */
export function useGridTable(
  columns: ColumnDto[],
  rows: RowDto[],
  sizing: ColumnSizingState,
  onSizing: OnChangeFn<ColumnSizingState>,
) {
  const columnDefs = useMemo(
    () =>
      helper.columns(
        columns.map((column) =>
          helper.accessor((row) => cellValueOf(row.data, column.key) ?? null, {
            id: column.id,
            header: column.label,
            size: columnWidth(column),
            minSize: MIN_COLUMN_WIDTH,
            maxSize: MAX_COLUMN_WIDTH,
            cell: (context) => createElement(cellRenderers[column.dataType], { value: context.getValue() }),
          }),
        ),
      ),
    [columns],
  );
  // Only the sizes are read from state, so unrelated state never re-renders the grid.
  return useTable(
    {
      features,
      columns: columnDefs,
      data: rows,
      getRowId,
      state: { columnSizing: sizing },
      onColumnSizingChange: onSizing,
      columnResizeMode: "onChange",
    },
    (state) => ({ columnSizing: state.columnSizing, columnResizing: state.columnResizing }),
  );
}
