// A light Server-Sent Events client for the benchmarks: hundreds of them run in the bench
// process beside the app, so each only splits its bytes into events and records, per event,
// when it arrived and a fingerprint (type, id, length, first and last bytes). The data of each
// distinct event is kept once, in a registry shared by all clients, and parsed after the run.
// It reconnects like EventSource: after the connection ends, with Last-Event-ID. It sends the
// demo account's API key, as an API client does.
import http from "node:http";

export type Arrival = { key: string; at: number };
export type RegisteredEvent = { type: string; id: string; data: string };
export type Registry = Map<string, RegisteredEvent>;

const SEPARATOR = Buffer.from("\n\n");

export class SseClient {
  readonly arrivals: Arrival[] = [];
  connects = 0;
  /** Connected now, and how many events had arrived when this connection opened. */
  open = false;
  arrivalsAtConnect = 0;
  lastEventId?: string;
  private request?: http.ClientRequest;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly registry: Registry,
    private readonly onEvent?: (type: string, data: string) => void,
  ) {}

  start() {
    if (this.closed) return;
    const headers: Record<string, string> = { accept: "text/event-stream", authorization: `Bearer ${this.apiKey}` };
    if (this.lastEventId) headers["last-event-id"] = this.lastEventId;
    this.parts = [];
    this.partsLength = 0;
    this.request = http.get(this.url, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return this.retry();
      }
      this.connects++;
      this.open = true;
      this.arrivalsAtConnect = this.arrivals.length;
      res.on("data", (chunk: Buffer) => this.feed(chunk));
      res.on("end", () => this.retry());
      res.on("error", () => this.retry());
    });
    this.request.on("error", () => this.retry());
  }

  close() {
    this.closed = true;
    this.request?.destroy();
  }

  /** Connected, and this connection's first events (a join always starts with `cells`) have arrived. */
  get caughtUp() {
    return this.open && this.arrivals.length > this.arrivalsAtConnect;
  }

  private retry() {
    this.open = false;
    if (this.closed) return;
    this.request?.destroy();
    setTimeout(() => this.start(), 500);
  }

  // The current event's bytes, as the chunks they came in: 500 clients copying every event
  // into one buffer cost the bench process more than the app spent sending them.
  private parts: Buffer[] = [];
  private partsLength = 0;

  private feed(chunk: Buffer) {
    let start = 0;
    while (start < chunk.length) {
      const last = this.parts.at(-1);
      if (last && last[last.length - 1] === 10 && chunk[start] === 10) {
        // The blank line straddles the previous chunk and this one.
        this.endEvent(1);
        start += 1;
        continue;
      }
      const at = chunk.indexOf(SEPARATOR, start);
      if (at === -1) {
        this.add(chunk.subarray(start));
        return;
      }
      this.add(chunk.subarray(start, at));
      this.endEvent(0);
      start = at + 2;
    }
  }

  private add(part: Buffer) {
    if (part.length === 0) return;
    this.parts.push(part);
    this.partsLength += part.length;
  }

  /** Bytes from..to of the current event. */
  private slice(from: number, to: number): Buffer {
    const out = Buffer.allocUnsafe(Math.max(0, to - from));
    let offset = 0;
    let written = 0;
    for (const part of this.parts) {
      const end = offset + part.length;
      if (end > from && offset < to) {
        const a = Math.max(from, offset) - offset;
        const b = Math.min(to, end) - offset;
        written += part.copy(out, written, a, b);
      }
      offset = end;
      if (offset >= to) break;
    }
    return out;
  }

  /** The event's header lines (id, event) come before its one data line, which may be long. */
  private endEvent(trim: number) {
    const length = this.partsLength - trim;
    const header = this.slice(0, Math.min(length, 512));
    const at = Date.now();
    let type = "message";
    let id: string | undefined;
    let dataStart = -1;
    let position = 0;
    while (position < header.length) {
      let end = header.indexOf(10, position);
      if (end === -1) end = header.length;
      const line = header.subarray(position, end).toString("latin1");
      if (line.startsWith("data: ")) {
        dataStart = position + 6;
        break;
      }
      if (line.startsWith("event: ")) type = line.slice(7);
      else if (line.startsWith("id: ")) id = line.slice(4);
      position = end + 1;
    }
    const reset = () => {
      this.parts = [];
      this.partsLength = 0;
    };
    if (id !== undefined) this.lastEventId = id;
    if (dataStart === -1 || type === "heartbeat") return reset();
    const dataLength = length - dataStart;
    const key = `${type}|${id ?? ""}|${dataLength}|${this.slice(dataStart, Math.min(length, dataStart + 96)).toString("latin1")}|${this.slice(Math.max(dataStart, length - 96), length).toString("latin1")}`;
    const needData = !this.registry.has(key) || (this.onEvent !== undefined && type !== "cells");
    const data = needData ? this.slice(dataStart, length).toString() : "";
    reset();
    if (!this.registry.has(key)) this.registry.set(key, { type, id: id ?? "", data });
    this.arrivals.push({ key, at });
    if (this.onEvent && type !== "cells") this.onEvent(type, data);
  }
}
