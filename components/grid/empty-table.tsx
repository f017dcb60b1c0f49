import { ImportCsvButton } from "../csv/import-csv-button";

/** No columns or no rows yet: say so, and offer the ways to fill the table. */
export function EmptyTable({
  tableId,
  hasColumns,
  adding,
  onAddRow,
}: {
  tableId: string;
  hasColumns: boolean;
  /** A row is being added: the button waits (a second press added a second row). */
  adding: boolean;
  onAddRow: () => void;
}) {
  return (
    <div className="flex flex-1 items-center justify-center bg-white p-8">
      <div className="max-w-sm rounded-xl border border-dashed border-slate-300 p-8 text-center">
        <h2 className="text-base font-semibold text-slate-800">
          {hasColumns ? "This table has no rows yet" : "This table has no columns yet"}
        </h2>
        <p className="mt-1 text-sm text-slate-500">
          {hasColumns
            ? "Add a row and type into it, or import a CSV with matching headers."
            : "Add a column with “+ Column” above, or import a CSV: its header row becomes the columns."}
        </p>
        <div className="mt-4 flex justify-center gap-2">
          {hasColumns ? (
            <button
              type="button"
              onClick={onAddRow}
              disabled={adding}
              className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
            >
              {adding ? "Adding…" : "Add a row"}
            </button>
          ) : null}
          <ImportCsvButton
            tableId={tableId}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
          />
        </div>
      </div>
    </div>
  );
}
