import type { SlotKey } from "./concurrency";
import type { EventPayload } from "./protocol";

/**
 * A run's memoized steps, held as ready-made JSON fragments in completion order so that
 * a request body is assembled by string concatenation: each step's data is serialised
 * once, not once per request (a run of N steps sends O(N) requests).
 */
export class RunState {
  /** Hashed step ids in completion order (the SDK's `ctx.stack.stack`). */
  readonly order: string[] = [];
  private readonly fragments: string[] = [];
  private readonly memo = new Set<string>();
  private cache = { count: 0, steps: "", stack: "" };
  /** Steps with a persisted retry timer that must be cleared once they finish. */
  readonly retryRows = new Set<string>();
  /** Function-level attempt; back to 0 whenever a step completes. */
  attempt = 0;
  disableImmediate = false;
  finished = false;
  startedAt: number | undefined;
  /** When the latest request started or step finished: the start of a checkpointed step. */
  lastProgressAt: number | undefined;
  readonly event: EventPayload;
  keys: SlotKey[] = [];
  /** Step writes in flight (parallel branches), awaited before the run is finished. */
  readonly writes = new Set<Promise<void>>();
  /** qi_id of the discovery request currently allowed to checkpoint steps, if any. */
  checkpointQi: string | undefined;

  constructor(
    readonly id: string,
    readonly fnId: string,
    readonly eventJson: string,
    readonly createdAt: number,
    readonly parentRunId: string | null,
  ) {
    this.event = JSON.parse(eventJson);
  }

  has(stepId: string): boolean {
    return this.memo.has(stepId);
  }

  get size(): number {
    return this.order.length;
  }

  /** `memoJson` is `{"type":"data",...}` or `{"type":"error",...}`. */
  add(stepId: string, memoJson: string): number {
    this.memo.add(stepId);
    this.order.push(stepId);
    this.fragments.push(`${JSON.stringify(stepId)}:${memoJson}`);
    return this.order.length - 1;
  }

  /**
   * The body of an execution request that shows the SDK the first `count` memoized
   * steps. Planned parallel steps are sent the state they were discovered with, which
   * is enough to reach them and spares the SDK replaying their siblings' results.
   */
  body(count: number, attempt: number, maxAttempts: number, disableImmediate: boolean, checkpointQi?: string): string {
    const { steps, stack } = this.prefix(count);
    // fn_id + qi_id switch the SDK to checkpointing (see checkpoint.ts).
    const checkpoint = checkpointQi
      ? `"fn_id":${JSON.stringify(this.fnId)},"qi_id":${JSON.stringify(checkpointQi)},`
      : "";
    return (
      `{"event":${this.eventJson},"events":[${this.eventJson}],"steps":{${steps}},` +
      `"ctx":{"run_id":${JSON.stringify(this.id)},${checkpoint}"attempt":${attempt},"max_attempts":${maxAttempts},` +
      `"disable_immediate_execution":${disableImmediate},"use_api":false,` +
      `"stack":{"stack":[${stack}],"current":${count}}},"version":2}`
    );
  }

  private prefix(count: number): { steps: string; stack: string } {
    const c = this.cache;
    if (count === c.count) return c;
    if (count > c.count) {
      const more = this.fragments.slice(c.count, count).join(",");
      const ids = this.order
        .slice(c.count, count)
        .map((id) => JSON.stringify(id))
        .join(",");
      this.cache = {
        count,
        steps: c.count === 0 ? more : `${c.steps},${more}`,
        stack: c.count === 0 ? ids : `${c.stack},${ids}`,
      };
      return this.cache;
    }
    return {
      steps: this.fragments.slice(0, count).join(","),
      stack: this.order
        .slice(0, count)
        .map((id) => JSON.stringify(id))
        .join(","),
    };
  }
}
