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

export const columnWidth = (column: Pick<ColumnDto, "dataType">) => WIDTH_BY_TYPE[column.dataType] ?? 200;
