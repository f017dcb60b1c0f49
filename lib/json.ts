// Keys that come from users (column keys, JSON fields) are read as own properties only: a plain
// `data[key]` with key "constructor" or "__proto__" reaches Object.prototype. Pure, so the
// browser uses it too.

/** `data[key]` if `data` is an object with `key` as its own property, else undefined. */
export function readOwn(data: unknown, key: string): unknown {
  if (data === null || typeof data !== "object") return undefined;
  return Object.hasOwn(data, key) ? (data as Record<string, unknown>)[key] : undefined;
}

/** A map keyed by user-supplied strings that inherits nothing. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
