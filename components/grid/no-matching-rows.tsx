/** A view that matches no row: say so, and offer to show every row again. */
export function NoMatchingRows({ onClear }: { onClear: () => void }) {
  return (
    <div className="flex flex-1 items-center justify-center bg-white p-8">
      <div className="max-w-sm rounded-xl border border-dashed border-slate-300 p-8 text-center">
        <h2 className="text-base font-semibold text-slate-800">No rows match this view</h2>
        <p className="mt-1 text-sm text-slate-500">Change the filter or the search, or show every row.</p>
        <button
          type="button"
          onClick={onClear}
          className="mt-4 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
        >
          Clear filter and search
        </button>
      </div>
    </div>
  );
}
