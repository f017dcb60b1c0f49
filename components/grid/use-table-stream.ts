import { useEffect, useRef } from "react";
import type { CellStatusPage, JobDto } from "@/lib/client/fetchers";
import type { TableEventData } from "@/lib/client/live-events";

/** Errors in a row (without an event in between) after which the stream counts as failed. */
const MAX_ERRORS = 3;
/**
 * A stream that opens but delivers nothing this long (a buffering proxy) counts as failed. Long
 * enough for a slow first answer (`next dev` compiling the route, a loaded machine).
 */
const FIRST_EVENT_MS = 10_000;

export type StreamHandlers = {
  /** The stream is back after an error (EventSource reconnected with Last-Event-ID). */
  opened: () => void;
  cells: (page: CellStatusPage) => void;
  table: (event: TableEventData) => void;
  job: (job: JobDto) => void;
  /** The stream cannot be used: fall back to polling. */
  failed: () => void;
};

/**
 * The table's event stream (GET /api/tables/:id/events) while `enabled`, starting after
 * `since()`. EventSource reconnects by itself with Last-Event-ID, so a dropped connection
 * loses nothing; repeated errors, or no first event, report `failed`.
 */
export function useTableStream(
  tableId: string,
  enabled: boolean,
  since: () => string | undefined,
  handlers: StreamHandlers,
) {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const sinceRef = useRef(since);
  sinceRef.current = since;

  useEffect(() => {
    if (!enabled) return;
    const cursor = sinceRef.current();
    const url = `/api/tables/${encodeURIComponent(tableId)}/events${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`;
    const source = new EventSource(url);
    let errors = 0;
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      source.close();
      handlersRef.current.failed();
    };
    const firstEvent = setTimeout(fail, FIRST_EVENT_MS);
    const on = <T>(type: string, handle: (data: T) => void) =>
      source.addEventListener(type, (event) => {
        errors = 0;
        clearTimeout(firstEvent);
        handle(JSON.parse((event as MessageEvent<string>).data) as T);
      });
    on<CellStatusPage>("cells", (page) => handlersRef.current.cells(page));
    on<TableEventData>("table", (event) => handlersRef.current.table(event));
    on<JobDto>("job", (job) => handlersRef.current.job(job));
    on<unknown>("heartbeat", () => {});
    let opened = false;
    source.onopen = () => {
      if (opened) handlersRef.current.opened();
      opened = true;
    };
    source.onerror = () => {
      // CLOSED: the server refused the stream (an HTTP error); EventSource will not retry.
      if (++errors >= MAX_ERRORS || source.readyState === EventSource.CLOSED) fail();
    };
    return () => {
      clearTimeout(firstEvent);
      failed = true;
      source.close();
    };
  }, [tableId, enabled]);
}
