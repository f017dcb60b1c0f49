// LIKE patterns from what a person typed: %, _ and \ match themselves. Search runs over each
// row's values as one text (glaze_search_text: the values joined by U+001F), so a search
// pattern is a contains pattern over it.

export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const containsPattern = (text: string) => `%${escapeLike(text)}%`;

export const startsWithPattern = (text: string) => `${escapeLike(text)}%`;

/** The pattern that finds `text` in glaze_search_text of a row. */
export const searchPattern = (text: string) => containsPattern(text);

/**
 * Whether the trigram index can narrow a search for `text`: pg_trgm needs three letters or
 * digits in a row. For shorter text the index would be read whole, so it is not asked.
 */
export const usesTrigrams = (text: string) => /[\p{L}\p{N}]{3}/u.test(text);
