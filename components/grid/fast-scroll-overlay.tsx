/** What a fast scroll shows instead of rows: row lines, and where the scroll is (38 px = HEADER_HEIGHT, 34 px = ROW_HEIGHT). */
export function FastScrollOverlay({ firstRow, rowCount }: { firstRow: number; rowCount: number }) {
  return (
    <>
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-[38px] bottom-0 [background-image:repeating-linear-gradient(to_bottom,transparent_0_33px,var(--color-slate-200)_33px_34px)]"
      />
      <output className="pointer-events-none absolute top-12 right-6 z-30 rounded-md bg-slate-900/80 px-2.5 py-1 text-xs font-medium text-white tabular-nums shadow">
        Row {(firstRow + 1).toLocaleString("en-US")} of {rowCount.toLocaleString("en-US")}
      </output>
    </>
  );
}
