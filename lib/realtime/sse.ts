import "server-only";
import { env } from "../env";

// Server-Sent Events on the wire. Events are encoded once and the same bytes are queued on
// every connection that receives them; each connection's queue is bounded, and a client that
// falls that far behind is disconnected (it reconnects with Last-Event-ID and resyncs). The
// hub (table-hub.ts) stops queueing for a client whose queue is not draining well before that
// and sends it what changed meanwhile, coalesced, once it is.

const encoder = new TextEncoder();

/** One event as text; `data` is written on one line (JSON never contains a raw newline). */
export function sseEvent(name: string, data: string, id?: string): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${name}\ndata: ${data}\n\n`;
}

export const encodeEvents = (text: string): Uint8Array => encoder.encode(text);

/** Sent first: how long EventSource waits before reconnecting after the connection drops. */
export const RETRY_PREAMBLE = encodeEvents("retry: 2000\n\n");

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: proxies must not compress or buffer the stream; x-accel-buffering for nginx.
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
};

/** Why a stream ended; "access": its credentials no longer grant reading the table. */
export type CloseReason = "client" | "slow" | "ended" | "server" | "access";

/** One client's event stream: a ReadableStream for the Response, fed with `send`. */
export class SseConnection {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private closed = false;
  private readonly maxBufferedBytes: number;
  private readonly listeners = new Set<(reason: CloseReason) => void>();

  constructor({ maxBufferedBytes = env.sseMaxBufferedBytes }: { maxBufferedBytes?: number } = {}) {
    this.maxBufferedBytes = maxBufferedBytes;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        // The response pipe cancels the stream when the client goes away.
        cancel: () => this.finish("client"),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: maxBufferedBytes }),
    );
    this.send(RETRY_PREAMBLE);
  }

  get isClosed() {
    return this.closed;
  }

  /** Bytes queued that the response has not yet taken (what waits for the client here). */
  get queuedBytes(): number {
    if (this.closed) return 0;
    return Math.max(0, this.maxBufferedBytes - (this.controller.desiredSize ?? 0));
  }

  /** The most this connection queues before the client is dropped as too slow. */
  get limit(): number {
    return this.maxBufferedBytes;
  }

  /** Queues `chunk`; false (and the connection is dropped) once the client is too far behind. */
  send(chunk: Uint8Array): boolean {
    if (this.closed) return false;
    // An empty queue takes any chunk, however big (a catch-up may be large).
    const room = this.controller.desiredSize ?? 0;
    if (room < chunk.byteLength && room < this.maxBufferedBytes) {
      this.drop();
      return false;
    }
    this.controller.enqueue(chunk);
    return true;
  }

  /** Disconnects a client that is too far behind (it reconnects and resyncs from its cursor). */
  drop() {
    if (this.closed) return;
    // Erroring (not closing) the stream aborts the response at once instead of waiting for
    // the queued bytes to drain first.
    this.controller.error(new Error("the client is not reading its events fast enough"));
    this.finish("slow");
  }

  /** Ends the stream after what is queued has been sent. */
  end(reason: CloseReason = "ended") {
    if (this.closed) return;
    this.controller.close();
    this.finish(reason);
  }

  onClose(listener: (reason: CloseReason) => void) {
    if (this.closed) listener("ended");
    else this.listeners.add(listener);
  }

  private finish(reason: CloseReason) {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.listeners) listener(reason);
    this.listeners.clear();
  }
}
