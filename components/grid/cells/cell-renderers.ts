import type { ComponentType } from "react";
import type { ColumnDto } from "@/lib/columns/serialize";
import { BooleanCell } from "./boolean-cell";
import type { CellValueProps } from "./cell-value-props";
import { DateCell } from "./date-cell";
import { EmailCell } from "./email-cell";
import { NumberCell } from "./number-cell";
import { TextCell } from "./text-cell";
import { UrlCell } from "./url-cell";

/** One renderer per column type; the grid cell around it draws status, selection and focus. */
export const cellRenderers: Record<ColumnDto["dataType"], ComponentType<CellValueProps>> = {
  text: TextCell,
  number: NumberCell,
  url: UrlCell,
  email: EmailCell,
  boolean: BooleanCell,
  date: DateCell,
};
