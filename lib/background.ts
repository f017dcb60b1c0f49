import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

// Work done for the orchestrator (Inngest steps) rather than for a waiting client. A client
// is better served by a quick 503 during a database outage; a step is better served by
// waiting the outage out, so that it neither burns the cells' attempts nor repeats a provider
// call that already happened. The store's statements consult this.

const background = new AsyncLocalStorage<true>();

/** Runs `fn` as background work: the store's statements inside it wait out short outages. */
export function asBackgroundWork<T>(fn: () => Promise<T>): Promise<T> {
  return background.run(true, fn);
}

export function isBackgroundWork(): boolean {
  return background.getStore() === true;
}
