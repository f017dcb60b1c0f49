// Per-key request windows. Providers document different strategies: PDL and Apollo say
// "fixed window" (aligned to the clock, so the reset time is a wall-clock instant); Hunter
// documents only its limits, so its replica uses a sliding window, the strictest reading
// (a client that never trips it never trips a fixed window of the same size either).
// Refused requests do not count against any window.

export interface WindowSpec {
  name: string;
  limit: number;
  ms: number;
  kind: "fixed" | "sliding";
}

export interface WindowState {
  name: string;
  limit: number;
  /** Requests counted in the window, including this one when it was admitted. */
  used: number;
  remaining: number;
  /** Epoch ms when the window frees a slot (sliding) or starts over (fixed). */
  resetAt: number;
}

export interface Verdict {
  allowed: boolean;
  /** The first window that refused the request. */
  exceeded?: WindowState;
  windows: WindowState[];
}

export class RateLimiter {
  private readonly fixed = new Map<string, { start: number; count: number }>();
  private readonly sliding = new Map<string, number[]>();

  take(key: string, specs: readonly WindowSpec[], now: number): Verdict {
    const windows = specs.map((spec) => this.state(key, spec, now));
    const exceeded = windows.find((window) => window.used >= window.limit);
    if (exceeded) return { allowed: false, exceeded, windows };
    specs.forEach((spec, i) => {
      const id = this.id(key, spec);
      if (spec.kind === "fixed") {
        const slot = this.fixed.get(id);
        if (slot) slot.count++;
        else this.fixed.set(id, { start: Math.floor(now / spec.ms) * spec.ms, count: 1 });
      } else {
        const log = this.sliding.get(id) ?? [];
        log.push(now);
        this.sliding.set(id, log);
      }
      const window = windows[i] as WindowState;
      window.used++;
      window.remaining = Math.max(0, window.limit - window.used);
      if (spec.kind === "sliding" && window.used === 1) window.resetAt = now + spec.ms;
    });
    return { allowed: true, windows };
  }

  reset(): void {
    this.fixed.clear();
    this.sliding.clear();
  }

  private id(key: string, spec: WindowSpec): string {
    return `${key}\u0000${spec.name}\u0000${spec.kind}\u0000${spec.ms}`;
  }

  private state(key: string, spec: WindowSpec, now: number): WindowState {
    const id = this.id(key, spec);
    if (spec.kind === "fixed") {
      const start = Math.floor(now / spec.ms) * spec.ms;
      let slot = this.fixed.get(id);
      if (slot && slot.start !== start) {
        this.fixed.delete(id);
        slot = undefined;
      }
      const used = slot?.count ?? 0;
      return {
        name: spec.name,
        limit: spec.limit,
        used,
        remaining: Math.max(0, spec.limit - used),
        resetAt: start + spec.ms,
      };
    }
    const log = this.sliding.get(id);
    if (log) {
      while (log.length > 0 && (log[0] as number) <= now - spec.ms) log.shift();
      if (log.length === 0) this.sliding.delete(id);
    }
    const used = log?.length ?? 0;
    const resetAt = used > 0 ? (log?.[0] as number) + spec.ms : now;
    return { name: spec.name, limit: spec.limit, used, remaining: Math.max(0, spec.limit - used), resetAt };
  }
}
