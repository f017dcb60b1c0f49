import type { RowData } from "@/lib/rows/serialize";

export type CellValueProps = { value: RowData[string] | undefined };
