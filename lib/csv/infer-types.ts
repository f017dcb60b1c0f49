import type { ColumnDto } from "../columns/serialize";
import { readOwn } from "../json";
import { NUMBER_PATTERN, parseBoolean, parseDate } from "../views/values";

// The type of each column an import creates, from every value the file gives it: a column whose
// values are all numbers becomes a number column (sorted and filtered as numbers), and so on.
// Values are stored as they were written (text); the type decides how views read them, as for
// a column retyped by hand. Conservative: one value that does not fit, and the column is text.

type DataType = ColumnDto["dataType"];

/** The types a column can be inferred as, most specific first (the first that fits every value wins). */
const CANDIDATES = ["number", "boolean", "date", "email", "url"] as const satisfies readonly DataType[];
type Candidate = (typeof CANDIDATES)[number];

// A leading zero (a zip code, an id: 02134) or sign (a phone number: +14155550123) is kept as
// written, so the column stays text: as a number, an edit in the grid would store 2134.
const NUMBER_AS_WRITTEN = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_PATTERN = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

const FITS: Record<Candidate, (value: string) => boolean> = {
  number: (v) => NUMBER_AS_WRITTEN.test(v) && NUMBER_PATTERN.test(v),
  boolean: (v) => parseBoolean(v) !== null,
  date: (v) => parseDate(v) !== null,
  email: (v) => EMAIL.test(v),
  url: (v) => URL_PATTERN.test(v),
};

/** Watches the values an import writes into some columns (by key) and says each one's type at the end. */
export class ColumnTypeGuess {
  /** Per key: the candidates every value so far fits, and whether any value was seen. */
  private readonly open = new Map<string, { fits: Candidate[]; seen: boolean }>();

  constructor(keys: readonly string[]) {
    for (const key of keys) this.open.set(key, { fits: [...CANDIDATES], seen: false });
  }

  /** One row's data as stored (empty fields left out). */
  observe(data: Record<string, string>): void {
    for (const [key, state] of this.open) {
      const value = readOwn(data, key) as string | undefined;
      if (value === undefined) continue;
      state.seen = true;
      state.fits = state.fits.filter((type) => FITS[type](value));
      // Text whatever comes next: stop looking at this column.
      if (state.fits.length === 0) this.open.delete(key);
    }
  }

  /** The inferred type of each watched key: text for a column without values or with mixed ones. */
  types(): Map<string, DataType> {
    const types = new Map<string, DataType>();
    for (const [key, state] of this.open) if (state.seen) types.set(key, state.fits[0]);
    return types;
  }
}
