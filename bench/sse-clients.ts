// Hundreds of SSE clients (sse-client.ts) spread over worker threads, so that receiving the
// events is not bounded by one thread of the bench beside the app on the same cores: real
// clients have cores of their own. Each thread runs its share and reports every 100 ms what
// the run needs while it goes (events so far, connected, the job's end seen, the last event id);
// `collect` closes them all and gathers every arrival and the distinct events.
import { availableParallelism, getPriority, setPriority } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type Arrival, type RegisteredEvent, type Registry, SseClient } from "./sse-client";

export type ClientStatus = { events: number; caughtUp: boolean; ended: boolean; lastEventId: string };
export type Collected = { arrivals: Arrival[][]; connects: number[]; registry: Registry };

type Start = { url: string; apiKey: string; count: number; nice?: number };
type ToWorker = { kind: "job"; jobId: string } | { kind: "collect" };
type FromWorker =
  | { kind: "priority"; nice: number }
  | { kind: "status"; clients: ClientStatus[] }
  | {
      kind: "done";
      arrivals: Arrival[][];
      connects: number[];
      registry: [string, RegisteredEvent][];
    };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SseClientPool {
  private readonly workers: Worker[] = [];
  private readonly statuses: ClientStatus[][] = [];
  /** Each thread's priority (nice value) as it runs. */
  readonly priorities: number[] = [];

  /**
   * Starts `count` clients of `url` over `threads` worker threads (the cores, by default), at
   * priority `nice` when given and allowed.
   */
  constructor(url: string, apiKey: string, count: number, threads = availableParallelism(), nice?: number) {
    const n = Math.max(1, Math.min(threads, count));
    for (let i = 0; i < n; i++) {
      const share = Math.floor(count / n) + (i < count % n ? 1 : 0);
      // The bench runs under tsx; a worker registers it before loading this file again.
      const code = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
      const start: Start = { url, apiKey, count: share, nice };
      const worker = new Worker(code, { eval: true, workerData: start });
      this.statuses.push([]);
      worker.on("message", (m: FromWorker) => {
        if (m.kind === "status") this.statuses[i] = m.clients;
        if (m.kind === "priority") this.priorities[i] = m.nice;
      });
      worker.on("error", (error) => console.error("[bench] SSE client thread failed", error));
      this.workers.push(worker);
    }
  }

  /** Every client's latest reported status (empty until the threads first report). */
  status(): ClientStatus[] {
    return this.statuses.flat();
  }

  /** The job whose end the clients watch for. */
  watchJob(jobId: string) {
    for (const w of this.workers) w.postMessage({ kind: "job", jobId } satisfies ToWorker);
  }

  /** Closes every client and returns what each received. */
  async collect(): Promise<Collected> {
    const parts = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Extract<FromWorker, { kind: "done" }>>((resolve) => {
            w.on("message", (m: FromWorker) => {
              if (m.kind === "done") resolve(m);
            });
            w.postMessage({ kind: "collect" } satisfies ToWorker);
          }),
      ),
    );
    await Promise.all(this.workers.map((w) => w.terminate()));
    const registry: Registry = new Map();
    for (const part of parts) for (const [key, event] of part.registry) registry.set(key, event);
    return { arrivals: parts.flatMap((p) => p.arrivals), connects: parts.flatMap((p) => p.connects), registry };
  }
}

async function runThread({ url, apiKey, count, nice }: Start) {
  const port = parentPort;
  if (!port) return;
  // On Linux a thread has a priority of its own: 0 names this thread. Raising it needs root
  // (or CAP_SYS_NICE); without, the clients run at the bench's priority, and the thread says so.
  if (nice !== undefined) {
    try {
      setPriority(0, nice);
    } catch {}
  }
  port.postMessage({ kind: "priority", nice: getPriority(0) } satisfies FromWorker);
  const registry: Registry = new Map();
  let jobId = "";
  const ended = new Set<number>();
  const clients = Array.from(
    { length: count },
    (_, i) =>
      new SseClient(url, apiKey, registry, (type, data) => {
        if (type !== "job") return;
        const job = JSON.parse(data) as { jobId: string; status: string };
        if (job.jobId === jobId && job.status === "completed") ended.add(i);
      }),
  );
  const report = () =>
    port.postMessage({
      kind: "status",
      clients: clients.map((c, i) => ({
        events: c.arrivals.length,
        caughtUp: c.caughtUp,
        ended: ended.has(i),
        lastEventId: c.lastEventId ?? "",
      })),
    } satisfies FromWorker);
  const timer = setInterval(report, 100);
  port.on("message", (m: ToWorker) => {
    if (m.kind === "job") jobId = m.jobId;
    if (m.kind !== "collect") return;
    clearInterval(timer);
    for (const c of clients) c.close();
    port.postMessage({
      kind: "done",
      arrivals: clients.map((c) => c.arrivals),
      connects: clients.map((c) => c.connects),
      registry: [...registry],
    } satisfies FromWorker);
  });
  for (let i = 0; i < clients.length; i++) {
    clients[i].start();
    if (i % 25 === 24) await sleep(100);
  }
}

if (!isMainThread && (workerData as Start | undefined)?.url) void runThread(workerData as Start);
