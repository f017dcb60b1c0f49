/**
 * A typed column's value that its sorts and filters do not read as that type ("1,234" in a
 * number column, "yes" in a boolean one): shown as it is, marked, with why in its tooltip.
 * `data-not-a-<type>` names it for tests and styles.
 */
export function UnreadableValue({
  value,
  type,
  why,
  className = "",
}: {
  value: unknown;
  type: "number" | "boolean" | "date" | "url" | "email";
  why: string;
  className?: string;
}) {
  return (
    <span
      {...{ [`data-not-a-${type}`]: "true" }}
      title={`${why} (${String(value)})`}
      className={`${className} truncate text-amber-800 underline decoration-amber-500 decoration-dotted`}
    >
      {String(value)}
    </span>
  );
}
