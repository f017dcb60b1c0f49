import { EventSource } from "eventsource";
import { testAccount } from "./auth";

// A real EventSource client (the `eventsource` package follows the WHATWG spec: it reconnects
// by itself and sends Last-Event-ID) that records every event, for tests of the streams. It
// sends the test account's API key unless given other credentials (a session cookie).

export type Received = { type: string; data: unknown; id: string; at: number };

const TYPES = ["cells", "table", "job", "heartbeat"];

export type Stream = {
  events: Received[];
  errors: number;
  opens: number;
  of: (type: string) => Received[];
  /** Resolves with the first event (from the start) that matches, or rejects after `timeoutMs`. */
  waitFor: (match: (event: Received) => boolean, timeoutMs?: number) => Promise<Received>;
  close: () => void;
  source: EventSource;
};

export function openStream(
  url: string,
  { lastEventId, credentials }: { lastEventId?: string; credentials?: Record<string, string> } = {},
): Stream {
  const source = new EventSource(url, {
    fetch: async (input, init) =>
      fetch(input, {
        ...init,
        headers: {
          ...init.headers,
          ...(credentials ?? { authorization: `Bearer ${(await testAccount()).apiKey}` }),
          ...(lastEventId && !init.headers["Last-Event-ID"] ? { "Last-Event-ID": lastEventId } : {}),
        },
      }),
  });
  const stream: Stream = {
    events: [],
    errors: 0,
    opens: 0,
    of: (type) => stream.events.filter((e) => e.type === type),
    waitFor: (match, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          const found = stream.events.find(match);
          if (found) return resolve(found);
          if (Date.now() > deadline) {
            const seen = stream.events.map((e) => e.type).join(",");
            return reject(new Error(`no matching event within ${timeoutMs} ms (seen: ${seen})`));
          }
          setTimeout(check, 20);
        };
        check();
      }),
    close: () => source.close(),
    source,
  };
  source.onopen = () => stream.opens++;
  source.onerror = () => stream.errors++;
  for (const type of TYPES) {
    source.addEventListener(type, (event) => {
      stream.events.push({ type, data: JSON.parse(event.data), id: event.lastEventId, at: Date.now() });
    });
  }
  return stream;
}

type CellEvent = {
  cursor: string;
  cells: { rowId: string; columnId: string; taskId: string; status: string; value: unknown; attempts: number }[];
  hasMore: boolean;
};

/** The latest state of each cell over the stream's `cells` events, and any state delivered twice. */
export function cellsOf(events: Received[]) {
  const latest = new Map<string, CellEvent["cells"][number]>();
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const event of events) {
    if (event.type !== "cells") continue;
    for (const cell of (event.data as CellEvent).cells) {
      const state = `${cell.taskId}|${cell.status}|${cell.attempts}`;
      if (seen.has(state)) repeated.push(state);
      seen.add(state);
      latest.set(`${cell.rowId}:${cell.columnId}`, cell);
    }
  }
  return { latest, repeated };
}
