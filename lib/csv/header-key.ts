// Pure (no server imports): the grid's "Add column" form derives keys the same way.
const MAX_KEY_LENGTH = 63;

/** "Company Domain" → "company_domain": a valid column key (`^[a-z][a-z0-9_]{0,62}$`). */
export function headerToKey(header: string): string {
  let key = header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!/^[a-z]/.test(key)) key = key === "" ? "column" : `col_${key}`;
  return key.slice(0, MAX_KEY_LENGTH).replace(/_+$/, "");
}

/** Keys for a header row; repeated headers get `_2`, `_3`… so every key is unique. */
export function uniqueKeys(headers: readonly string[], taken: Iterable<string> = []): string[] {
  const used = new Set(taken);
  return headers.map((header) => {
    const base = headerToKey(header);
    let key = base;
    for (let n = 2; used.has(key); n++) {
      const suffix = `_${n}`;
      key = `${base.slice(0, MAX_KEY_LENGTH - suffix.length)}${suffix}`;
    }
    used.add(key);
    return key;
  });
}
