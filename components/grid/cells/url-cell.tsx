import type { CellValueProps } from "./cell-value-props";
import { UnreadableValue } from "./unreadable-value";

// A web address, with or without its scheme (linkedin.com/in/ada), and no spaces.
const LOOKS_LIKE_URL = /^(https?:\/\/)?[^\s/?#.]+(\.[^\s/?#.]+)+([/?#]\S*)?$/i;

/**
 * A url column's value, shown without its scheme. Text that is no web address ("n/a", a
 * sentence) is shown as it is, marked: sorts and filters read it as text all the same.
 */
export function UrlCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value).trim();
  if (!LOOKS_LIKE_URL.test(text)) {
    return <UnreadableValue value={value} type="url" why="Not a web address" />;
  }
  // Shown without the scheme: the host is what a person scans for.
  return <span className="truncate text-sky-700">{text.replace(/^https?:\/\//i, "")}</span>;
}
