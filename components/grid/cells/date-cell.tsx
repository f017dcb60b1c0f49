import { parseDate } from "@/lib/views/values";
import type { CellValueProps } from "./cell-value-props";
import { UnreadableValue } from "./unreadable-value";

const day = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const dayAndTime = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/**
 * A date column's value as its filters read it (lib/views/values.ts): a day, or a moment
 * shown in UTC with its time (a time without an offset is UTC, as the filters take it, not
 * the viewer's zone). Text that is not a date is shown as it is, marked.
 */
export function DateCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const parsed = parseDate(value);
  if (!parsed) {
    const why = "Not a date (YYYY-MM-DD, or with a time): sorts after the dates and matches no date filter";
    return <UnreadableValue value={value} type="date" why={why} />;
  }
  if (parsed.wholeDay)
    return <span className="truncate tabular-nums">{day.format(new Date(`${parsed.text}T00:00:00Z`))}</span>;
  // Without an offset the time is UTC; with one, the moment it names.
  const text = parsed.text.replace(" ", "T").replace(/([-+]\d{2})(\d{2})$/, "$1:$2");
  const hasOffset = /(Z|[-+]\d{2}:\d{2})$/.test(text);
  const moment = new Date(hasOffset ? text : `${text}Z`);
  if (Number.isNaN(moment.getTime())) return <span className="truncate tabular-nums">{String(value)}</span>;
  return (
    <span className="truncate tabular-nums" title={`${String(value)} (shown in UTC)`}>
      {`${dayAndTime.format(moment)} UTC`}
    </span>
  );
}
