import type { ColumnDto } from "@/lib/columns/serialize";

// Fixed geometry: every row has one height, so the virtualizer never measures and a
// 100,000-row table scrolls without layout work.
export const ROW_HEIGHT = 34;
export const HEADER_HEIGHT = 38;
export const GUTTER_WIDTH = 140;

const WIDTH_BY_TYPE: Record<ColumnDto["dataType"], number> = {
  text: 200,
  email: 260,
  url: 260,
  number: 120,
  boolean: 100,
  date: 140,
};

/** Room a header needs beside its label: padding, the type mark, a sort arrow, the ⋯ button. */
const HEADER_CHROME = 92;
/** Roughly a header label's pixels per character (12 px semibold). */
const LABEL_CHAR = 7.2;
const MAX_DEFAULT_WIDTH = 320;

/** A column's width until someone resizes it: its type's, or wide enough for its whole label. */
export const columnWidth = (column: Pick<ColumnDto, "dataType"> & { label?: string }) =>
  Math.max(
    WIDTH_BY_TYPE[column.dataType] ?? 200,
    Math.min(MAX_DEFAULT_WIDTH, Math.ceil(HEADER_CHROME + (column.label?.length ?? 0) * LABEL_CHAR)),
  );
