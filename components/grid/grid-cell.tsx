import { type Cell, FlexRender } from "@tanstack/react-table";
import { cellValueOf } from "@/lib/client/cell-value";
import { type SourceMark as Mark, sourceMarkOf } from "@/lib/client/source-mark";
import type { ColumnDto } from "@/lib/columns/serialize";
import { CANCELLED_ERROR } from "@/lib/enrichment/task-errors";
import type { CellStates, RowDto } from "@/lib/rows/serialize";
import { CellEditor, type EditEnd } from "./cell-editor";
import { cellRenderers } from "./cells/cell-renderers";
import { ConfidenceMark } from "./confidence-mark";
import { SourceMark } from "./source-mark";
import type { GridFeatures } from "./use-grid-table";

type CellState = CellStates[string] | undefined;

const STATUS_CLASS = {
  idle: "bg-white",
  queued: "bg-sky-50 text-slate-500",
  running: "bg-amber-50 text-slate-600",
  // Opaque (emerald-50 at 70 % over white): the frozen first column hides what scrolls under it.
  done: "bg-[color-mix(in_oklab,var(--color-emerald-50)_70%,white)]",
  failed: "bg-red-50 text-red-800",
  skipped: "bg-slate-50 text-slate-500",
  // A cell whose job was cancelled before it ever ran: it did not fail.
  cancelled: "bg-slate-50 text-slate-500",
} as const;

const PLACEHOLDER = {
  queued: "Queued",
  running: "Running…",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Cancelled",
} as const;

function titleOf(column: ColumnDto, value: unknown, state: CellState, mark: Mark | null): string | undefined {
  const text = value === null || value === undefined ? "" : String(value);
  const source = mark ? `\nSource: ${mark.name}${mark.ai ? " (AI-synthesised)" : ""}` : "";
  if (state?.status === "failed" && state.error === CANCELLED_ERROR)
    return `Cancelled: its job was cancelled before this cell ran${text ? `\n${text}` : ""}`;
  if (state?.status === "failed")
    return `Failed: ${state.error ?? "unknown error"}${text ? `\n${column.label}: ${text}` : ""}`;
  if (state?.status === "skipped") return `Skipped: ${state.error ?? "missing input"}${text ? `\n${text}` : ""}`;
  if (state?.status === "done" && state.confidence !== undefined)
    return `${text}\nConfidence ${Math.round(state.confidence * 100)}%${source}`;
  if (state?.status === "queued" || state?.status === "running") return `${state.status}${text ? `: ${text}` : ""}`;
  return text || undefined;
}

export type EditState = { col: number; initial: string } | null;

/** One grid cell: status colour, value (via the column's renderer), confidence, selection, focus. */
export function GridCell({
  rowIndex,
  colIndex,
  left,
  width,
  row,
  column,
  cell,
  selected,
  active,
  editing,
  onCommit,
  onCancel,
  frozen = false,
}: {
  rowIndex: number;
  colIndex: number;
  left: number;
  width: number;
  row: RowDto;
  column: ColumnDto;
  cell: Cell<GridFeatures, RowDto, unknown> | undefined;
  selected: boolean;
  active: boolean;
  editing: EditState;
  onCommit: (value: string, then: EditEnd) => void;
  onCancel: () => void;
  /** The first column: it stays beside the row numbers while the others scroll under it. */
  frozen?: boolean;
}) {
  const state = row.cells[column.id] as CellState;
  const status =
    state?.status === "failed" && state.error === CANCELLED_ERROR ? "cancelled" : (state?.status ?? "idle");
  const value = cellValueOf(row.data, column.key);
  // A row from a cached window outside the table model's data renders without its cell object.
  const Fallback = cellRenderers[column.dataType];
  const empty = value === undefined || value === null || value === "";
  // A budget stopped this cell's waterfall (lib/costs): it says so, not "skipped: missing input".
  const budget = status === "skipped" && state?.error === "budget reached";
  const mark = status === "done" ? sourceMarkOf(state?.provider) : null;
  const tone = mark?.ai ? "bg-violet-50 italic text-violet-900" : STATUS_CLASS[status];
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: a td inside role="grid" is a gridcell, which supports aria-selected
    <td
      id={`cell-${rowIndex}-${colIndex}`}
      tabIndex={-1}
      aria-colindex={colIndex + 2}
      aria-selected={selected}
      data-row={rowIndex}
      data-col={colIndex}
      data-status={status}
      data-source={mark ? (state?.provider ?? undefined) : undefined}
      data-ai={mark?.ai ? "true" : undefined}
      title={editing ? undefined : titleOf(column, value, state, mark)}
      data-frozen={frozen ? "" : undefined}
      className={`${frozen ? "sticky z-10 shrink-0 border-r-slate-300" : "absolute top-0"} flex h-full items-center gap-1.5 overflow-hidden border-r border-b border-slate-200 px-2.5 text-sm whitespace-nowrap select-none ${tone} ${status === "running" ? "animate-pulse" : ""} ${selected ? "shadow-[inset_0_0_0_999px_rgb(59_130_246/0.13)]" : ""} ${active ? "outline-2 -outline-offset-2 outline-blue-600" : ""}`}
      style={{ left, width }}
    >
      {editing ? (
        <CellEditor initial={editing.initial} label={`Edit ${column.label}`} onCommit={onCommit} onCancel={onCancel} />
      ) : null}
      {cell ? <FlexRender cell={cell} /> : <Fallback value={value} />}
      {empty && status !== "idle" && status !== "done" ? (
        <span
          className={`truncate text-xs ${status === "failed" ? "text-red-600" : budget ? "font-medium text-amber-700" : "text-slate-400"}`}
        >
          {status === "failed"
            ? `⚠ ${state?.error ?? PLACEHOLDER.failed}`
            : status === "cancelled"
              ? PLACEHOLDER.cancelled
              : budget
                ? "Budget reached"
                : status === "skipped"
                  ? `– ${state?.error ?? PLACEHOLDER.skipped}`
                  : PLACEHOLDER[status]}
        </span>
      ) : null}
      {status === "done" ? (
        <span className="ml-auto flex shrink-0 items-center gap-1">
          {/* Demo values say where they came from in the title only: the seed's grid stays as it was. */}
          {mark && state?.provider !== "demo" ? <SourceMark mark={mark} /> : null}
          {state?.confidence !== undefined ? <ConfidenceMark confidence={state.confidence} /> : null}
        </span>
      ) : null}
    </td>
  );
}
