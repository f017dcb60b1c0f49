import "server-only";
import { cellStatusSince } from "../enrichment/cell-status";
import { hubFor } from "./hubs";

/**
 * GET cells/status. A poll from a cursor is answered by the table's hub when it can (the
 * changes since that cursor merged from its recent shared reads, or a catch-up read that
 * joins them), which is as fresh as reading the database and lets many pollers of one table
 * share one read; otherwise, and for the first call (no cursor), it reads the database.
 */
export async function cellStatusResponse({
  tableId,
  since,
  limit,
}: {
  tableId: string;
  since?: string;
  limit: number;
}): Promise<Response> {
  if (since !== undefined) {
    const body = await hubFor(tableId).poll(since, limit);
    if (body !== undefined) return new Response(body, { headers: { "content-type": "application/json" } });
  }
  return Response.json(await cellStatusSince({ tableId, since, limit }));
}
