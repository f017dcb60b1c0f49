// LIKE patterns from what a person typed: %, _ and \ match themselves. Search runs over each
// row's values as JSON text (glaze_search_text), so its pattern is JSON-escaped first: a
// quote typed is found as the \" it is stored as. Both escapes map each character on its own,
// so a value that contains the typed text still contains it after escaping.

export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const jsonEscape = (text: string) => JSON.stringify(text).slice(1, -1);

export const containsPattern = (text: string) => `%${escapeLike(text)}%`;

export const startsWithPattern = (text: string) => `${escapeLike(text)}%`;

/** The pattern that finds `text` in glaze_search_text of a row. */
export const searchPattern = (text: string) => containsPattern(jsonEscape(text));

/**
 * Whether the trigram index can narrow a search for `text`: pg_trgm needs three letters or
 * digits in a row. For shorter text the index would be read whole, so it is not asked.
 */
export const usesTrigrams = (text: string) => /[\p{L}\p{N}]{3}/u.test(text);
