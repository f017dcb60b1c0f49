import type { CellValueProps } from "./cell-value-props";
import { UnreadableValue } from "./unreadable-value";

const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email column's value; text that is no email address is shown as it is, marked. */
export function EmailCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  if (!LOOKS_LIKE_EMAIL.test(String(value).trim())) {
    return <UnreadableValue value={value} type="email" why="Not an email address" />;
  }
  return <span className="truncate text-slate-800">{String(value)}</span>;
}
