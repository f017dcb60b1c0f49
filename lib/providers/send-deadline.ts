import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

// The latest moment a paced provider call may still leave (its rate-limit slot plus the
// lateness the pacing tolerates, lib/costs/rate-limit.ts). The costs layer sets it around the
// call; the adapters' HTTP client checks it right before sending, so a call held back after
// its slot (a stalled event loop between the slot and the request) is not sent next to the
// following slot's call: the costs layer takes another slot for it instead.

const deadline = new AsyncLocalStorage<number>();

export class SendDeadlineMissed extends Error {
  constructor() {
    super("the call missed its rate-limit slot before it was sent");
    this.name = "SendDeadlineMissed";
  }
}

/** Runs `fn` with `sendBy` (epoch ms) as the deadline of the requests it sends. */
export function withSendDeadline<T>(sendBy: number | undefined, fn: () => Promise<T>): Promise<T> {
  return sendBy === undefined ? fn() : deadline.run(sendBy, fn);
}

/** Throws SendDeadlineMissed if the current paced call is past its deadline. */
export function checkSendDeadline() {
  const sendBy = deadline.getStore();
  if (sendBy !== undefined && Date.now() > sendBy) throw new SendDeadlineMissed();
}
