import "server-only";
import { cellStatusSince } from "../enrichment/cell-status";
import { hubFor } from "./hubs";

/**
 * GET cells/status. Answered by the table's hub (hubs.ts): from its recent shared reads when
 * the cursor is one of theirs, else by a read of its own that joins the next shared read (the
 * same snapshot), so the cursor it returns is the hub's and the next poll is answered from
 * memory. As fresh as reading the database, and many pollers of a table share its reads.
 * Without the listener (hubs cannot tell what changed), and for a first poll of some rows
 * (`rowIds` without a cursor), it reads the database itself.
 */
export async function cellStatusResponse({
  tableId,
  since,
  limit,
  rowIds,
}: {
  tableId: string;
  since?: string;
  limit: number;
  /** Only the cells of these rows (a grid's window). */
  rowIds?: string[];
}): Promise<Response> {
  const body = await hubFor(tableId).poll(since, limit, rowIds);
  if (body !== undefined) return new Response(body, { headers: { "content-type": "application/json" } });
  return Response.json(await cellStatusSince({ tableId, since, limit, rowIds }));
}
