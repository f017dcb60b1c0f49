import type { AppClient } from "./app-client";
import { parseRegisterBody, type Registry } from "./registry";
import type { Store } from "./store";
import { sleepUntil } from "./timers";

/**
 * App registration. Syncing an app means `PUT <serve url>`; the SDK answers by calling
 * `POST /fn/register` here with its function configs (an app may also call that itself).
 */
export class AppSync {
  private readonly watched = new Set<string>();
  /** Called after a sync changed the function list (the cron schedule follows it). */
  onFunctionsChanged: () => Promise<void> = async () => {};

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly client: AppClient,
    private readonly log: (line: string) => void,
  ) {}

  /** Handles `POST /fn/register`; throws on an invalid body. */
  async register(body: unknown): Promise<{ status: number; modified: boolean }> {
    const reg = parseRegisterBody(body);
    const before = this.registry.all().filter((f) => f.appId === reg.appName).length;
    const modified = this.registry.replaceApp(reg.appName, reg.functions);
    if (modified || before === 0) {
      await this.store.saveApp(
        { id: reg.appName, url: reg.url, sdk: reg.sdk, framework: reg.framework },
        reg.functions,
      );
    }
    if (modified) {
      const n = reg.functions.length;
      this.log(`synced app "${reg.appName}" (${reg.url}) with ${n} function${n === 1 ? "" : "s"}`);
      await this.onFunctionsChanged();
    }
    return { status: 200, modified };
  }

  /** Asks the app at `url` to register now; rejects if it does not answer with success. */
  async syncApp(url: string): Promise<void> {
    const res = await this.client.put(url);
    if (res.status >= 200 && res.status < 300) return;
    let message = res.body.slice(0, 300);
    try {
      message = JSON.parse(res.body).message ?? message;
    } catch {
      // Not JSON: keep the raw text.
    }
    throw new Error(`syncing ${url} failed: HTTP ${res.status}${message ? `: ${message}` : ""}`);
  }

  /** Apps being watched (the CLI's -u apps). */
  urls(): string[] {
    return [...this.watched];
  }

  /**
   * Keeps syncing `url`: until it first answers (an app that is still starting), then
   * every `pollIntervalMs` (0 = only once) to pick up code changes, like inngest-cli dev.
   */
  async watch(url: string, pollIntervalMs: number, signal: AbortSignal): Promise<void> {
    this.watched.add(url);
    let failures = 0;
    let everSynced = false;
    while (!signal.aborted) {
      let ok = false;
      try {
        await this.syncApp(url);
        ok = true;
        if (failures > 0 && everSynced) this.log(`app ${url} is reachable again`);
        everSynced = true;
        failures = 0;
      } catch (err) {
        if (failures === 0) this.log(`cannot sync ${url} yet (${(err as Error).message}); will keep trying`);
        failures++;
      }
      if (ok && pollIntervalMs <= 0) return;
      const wait = ok
        ? pollIntervalMs
        : Math.min(500 * 2 ** Math.min(failures, 4), pollIntervalMs > 0 ? pollIntervalMs : 5000);
      try {
        await sleepUntil(Date.now() + wait, signal);
      } catch {
        return;
      }
    }
  }
}
