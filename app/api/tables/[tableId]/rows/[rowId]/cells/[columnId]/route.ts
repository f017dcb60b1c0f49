import { json, otherMethods, route } from "@/lib/api/handler";
import { getCellHistory } from "@/lib/enrichment/cell-history";

type Params = { tableId: string; rowId: string; columnId: string };

// GET /api/tables/:tableId/rows/:rowId/cells/:columnId – the cell's value, its source and every provider call of every run
export const GET = route<Params>({ permission: "read" }, async (_request, { tableId, rowId, columnId }) =>
  json(await getCellHistory({ tableId, rowId, columnId })),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
