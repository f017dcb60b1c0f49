// A light Server-Sent Events client for the benchmarks: hundreds of them run in the bench
// process beside the app, so each only splits its bytes into events and records, per event,
// when it arrived and a fingerprint (type, id, length, first and last bytes). The data of each
// distinct event is kept once, in a registry shared by all clients, and parsed after the run.
// It reconnects like EventSource: after the connection ends, with Last-Event-ID. It sends the
// demo account's API key, as an API client does.
import http from "node:http";

export type Arrival = { key: string; at: number };
export type Registry = Map<string, { type: string; id: string; data: string }>;

const SEPARATOR = Buffer.from("\n\n");

function fingerprint(type: string, id: string, data: Buffer) {
  const head = data.subarray(0, 96).toString("latin1");
  const tail = data.subarray(Math.max(0, data.length - 96)).toString("latin1");
  return `${type}|${id}|${data.length}|${head}|${tail}`;
}

export class SseClient {
  readonly arrivals: Arrival[] = [];
  connects = 0;
  lastEventId?: string;
  private chunks: Buffer[] = [];
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
    this.chunks = [];
    this.request = http.get(this.url, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return this.retry();
      }
      this.connects++;
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

  private retry() {
    if (this.closed) return;
    this.request?.destroy();
    setTimeout(() => this.start(), 500);
  }

  private feed(chunk: Buffer) {
    let rest = chunk;
    while (rest.length > 0) {
      const last = this.chunks.at(-1);
      let block: Buffer;
      if (last && last[last.length - 1] === 10 && rest[0] === 10) {
        // The blank line straddles the previous chunk and this one.
        const pending = Buffer.concat(this.chunks);
        block = pending.subarray(0, pending.length - 1);
        rest = rest.subarray(1);
      } else {
        const at = rest.indexOf(SEPARATOR);
        if (at === -1) {
          this.chunks.push(rest);
          return;
        }
        block = Buffer.concat([...this.chunks, rest.subarray(0, at)]);
        rest = rest.subarray(at + 2);
      }
      this.chunks = [];
      this.event(block);
    }
  }

  private event(block: Buffer) {
    const at = Date.now();
    let type = "message";
    let id: string | undefined;
    let data: Buffer | undefined;
    let start = 0;
    while (start < block.length) {
      let end = block.indexOf(10, start);
      if (end === -1) end = block.length;
      const line = block.subarray(start, end);
      if (line.subarray(0, 6).toString() === "data: ") data = line.subarray(6);
      else if (line.subarray(0, 7).toString() === "event: ") type = line.subarray(7).toString();
      else if (line.subarray(0, 4).toString() === "id: ") id = line.subarray(4).toString();
      start = end + 1;
    }
    if (id !== undefined) this.lastEventId = id;
    if (!data) return;
    if (type === "heartbeat") return;
    const key = fingerprint(type, id ?? "", data);
    if (!this.registry.has(key)) this.registry.set(key, { type, id: id ?? "", data: data.toString() });
    this.arrivals.push({ key, at });
    if (this.onEvent && type !== "cells") this.onEvent(type, data.toString());
  }
}
