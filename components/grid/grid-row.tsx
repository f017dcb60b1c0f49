import type { Row } from "@tanstack/react-table";
import { memo } from "react";
import { GUTTER_WIDTH, ROW_HEIGHT } from "@/lib/client/grid-geometry";
import { inSelectionKey } from "@/lib/client/grid-selection";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { RowDto } from "@/lib/rows/serialize";
import type { EditEnd } from "./cell-editor";
import { type EditState, GridCell } from "./grid-cell";
import { RowStatusBadge } from "./row-status-badge";
import type { GridFeatures } from "./use-grid-table";

export type ColumnWindow = { start: number; end: number; offsets: number[]; widths: number[] };

// A loading row's grey bars, one per column, at its offset and about half its width (they
// were every 200 px whatever the columns). One gradient per layout of the columns, shared by
// every loading row: a fast scroll mounts dozens of them per frame.
const loadingBars = new WeakMap<number[], string>();

function loadingBarsOf({ offsets, widths }: ColumnWindow): string {
  let bars = loadingBars.get(offsets);
  if (!bars) {
    const stops = widths.map((width, i) => {
      const from = (offsets[i] ?? 0) + 10;
      const to = from + Math.max(16, Math.min(width - 20, Math.round(width * 0.45)));
      return `transparent ${from}px, var(--color-slate-200) ${from}px ${to}px, transparent ${to}px`;
    });
    bars = `linear-gradient(to right, ${stops.join(", ")})`;
    loadingBars.set(offsets, bars);
  }
  return bars;
}

type GridRowProps = {
  index: number;
  top: number;
  width: number;
  row: RowDto | undefined;
  tableRow: Row<GridFeatures, RowDto> | undefined;
  columns: ColumnDto[];
  colWindow: ColumnWindow;
  selectionKey: string;
  activeCol: number;
  editing: EditState;
  onCommit: (value: string, then: EditEnd) => void;
  onCancel: () => void;
};

function GridRowView({
  index,
  top,
  width,
  row,
  tableRow,
  columns,
  colWindow,
  selectionKey,
  activeCol,
  editing,
  onCommit,
  onCancel,
}: GridRowProps) {
  const cells = tableRow?.getAllCells();
  const indices: number[] = [];
  for (let c = colWindow.start; c <= colWindow.end; c++) indices.push(c);
  const rowSelected = selectionKey !== "" && selectionKey === `0-${columns.length - 1}`;
  return (
    <tr
      aria-rowindex={index + 2}
      aria-selected={rowSelected}
      data-loading={row ? undefined : "true"}
      className="absolute top-0 left-0 flex"
      style={{ transform: `translateY(${top}px)`, width, height: ROW_HEIGHT }}
    >
      <th
        scope="row"
        aria-colindex={1}
        data-row={index}
        data-gutter=""
        className={`sticky left-0 z-10 flex shrink-0 cursor-pointer items-center gap-1.5 border-r border-b border-slate-200 px-2 text-xs font-normal ${rowSelected ? "bg-blue-50" : "bg-slate-50"}`}
        style={{ width: GUTTER_WIDTH }}
      >
        <span className="w-11 shrink-0 text-right tabular-nums text-slate-500">{index + 1}</span>
        {row ? <RowStatusBadge status={row.status} error={row.error} /> : null}
      </th>
      {row && columns.length > 0 ? (
        <GridCell
          key={columns[0].id}
          frozen
          rowIndex={index}
          colIndex={0}
          left={GUTTER_WIDTH}
          width={colWindow.widths[0]}
          row={row}
          column={columns[0]}
          cell={cells?.[0]}
          selected={inSelectionKey(selectionKey, 0)}
          active={activeCol === 0}
          editing={editing && editing.col === 0 ? editing : null}
          onCommit={onCommit}
          onCancel={onCancel}
        />
      ) : null}
      {row ? (
        indices.map((c) => (
          <GridCell
            key={columns[c].id}
            rowIndex={index}
            colIndex={c}
            left={GUTTER_WIDTH + colWindow.offsets[c]}
            width={colWindow.widths[c]}
            row={row}
            column={columns[c]}
            cell={cells?.[c]}
            selected={inSelectionKey(selectionKey, c)}
            active={activeCol === c}
            editing={editing && editing.col === c ? editing : null}
            onCommit={onCommit}
            onCancel={onCancel}
          />
        ))
      ) : (
        // One element for a row still loading, not one per cell: a fast scroll mounts dozens
        // of these per frame, and style work grows with the element count.
        <td
          aria-busy="true"
          colSpan={columns.length}
          className="absolute top-0 h-full border-b border-slate-200 bg-white [background-position:0_center] [background-repeat:no-repeat]"
          style={{
            left: GUTTER_WIDTH,
            width: width - GUTTER_WIDTH,
            backgroundImage: loadingBarsOf(colWindow),
            backgroundSize: "100% 10px",
          }}
        />
      )}
    </tr>
  );
}

/**
 * Rows re-render only when their own data, position, column colWindow, selection or edit
 * state change. The table's Row object is left out on purpose: it is rebuilt whenever any
 * colWindow loads, but renders the same cells while the RowDto is the same.
 */
export const GridRow = memo(GridRowView, (a, b) => {
  return (
    a.index === b.index &&
    a.top === b.top &&
    a.width === b.width &&
    a.row === b.row &&
    (a.tableRow !== undefined) === (b.tableRow !== undefined) &&
    a.columns === b.columns &&
    a.colWindow === b.colWindow &&
    a.selectionKey === b.selectionKey &&
    a.activeCol === b.activeCol &&
    a.editing === b.editing &&
    a.onCommit === b.onCommit &&
    a.onCancel === b.onCancel
  );
});
