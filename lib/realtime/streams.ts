import "server-only";
import { z } from "zod";
import { getDb } from "../db";
import { getJob } from "../enrichment/jobs";
import { isSnapshotCursor, MAX_CURSOR_LENGTH } from "../enrichment/schemas";
import { isActiveJob } from "../enrichment/serialize";
import { AppError, notFound } from "../errors";
import { guardStream } from "./access-guard";
import { hubFor } from "./hubs";
import { encodeEvents, SSE_HEADERS, SseConnection, sseEvent } from "./sse";

// The two event streams of the API. Both answer errors (unknown table or job, a malformed
// cursor) before the stream starts, in the API's one error shape, and end when the client
// goes away.

const cursor = z
  .string()
  .max(MAX_CURSOR_LENGTH, `must be at most ${MAX_CURSOR_LENGTH} characters`)
  .refine(isSnapshotCursor, "must be a cursor returned by an earlier call or event");

export const tableEventsQuery = z.strictObject({
  since: cursor.optional().describe("Start after this cursor (a cells/status cursor or an event id)"),
});

/** Last-Event-ID (sent by EventSource when it reconnects) wins over ?since= (the URL it reconnects to). */
function startCursor(request: Request, since: string | undefined): string | undefined {
  const lastEventId = request.headers.get("last-event-id");
  if (lastEventId === null || lastEventId === "") return since;
  const parsed = cursor.safeParse(lastEventId);
  if (!parsed.success) {
    throw new AppError("validation_failed", "The Last-Event-ID header is invalid", [
      { path: "Last-Event-ID", message: parsed.error.issues[0]?.message ?? "invalid" },
    ]);
  }
  return parsed.data;
}

function streamResponse(connection: SseConnection, signal: AbortSignal) {
  if (signal.aborted) connection.end("client");
  else signal.addEventListener("abort", () => connection.end("client"), { once: true });
  return new Response(connection.stream, { headers: SSE_HEADERS });
}

/**
 * GET /api/tables/:tableId/events: the table's changes as they commit. `cells` (the deltas
 * of cells/status, id = cursor), `table` (rows, columns, the table), `job` (progress and end
 * of its jobs), `heartbeat` every 15 s.
 */
export async function openTableEvents({
  request,
  tableId,
  since,
}: {
  request: Request;
  tableId: string;
  since?: string;
}): Promise<Response> {
  const start = startCursor(request, since);
  const table = await getDb().table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  const connection = new SseConnection();
  guardStream(connection, request, tableId, "read");
  hubFor(tableId).subscribeTable(connection, start);
  return streamResponse(connection, request.signal);
}

/** GET /api/tables/:tableId/enrich/jobs/:jobId/events: the job's progress until it ends, then the stream closes. */
export async function openJobEvents({
  request,
  tableId,
  jobId,
}: {
  request: Request;
  tableId: string;
  jobId: string;
}): Promise<Response> {
  const job = await getJob({ tableId, jobId });
  const json = JSON.stringify(job);
  const connection = new SseConnection();
  connection.send(encodeEvents(sseEvent("job", json)));
  if (isActiveJob(job)) {
    guardStream(connection, request, tableId, "read");
    hubFor(tableId).subscribeJob(connection, jobId, json);
  } else connection.end();
  return streamResponse(connection, request.signal);
}
