// Credits spent per key, against the configured quota. Each provider decides what a
// request costs (Hunter: a found email; PDL: a match; Apollo: a matched person; LLM: tokens).

export class CreditLedger {
  private readonly spent = new Map<string, number>();

  used(key: string): number {
    return this.spent.get(key) ?? 0;
  }

  /** Remaining credits of `key` under `quota`; null when the quota is unlimited. */
  remaining(key: string, quota: number | null): number | null {
    return quota === null ? null : Math.max(0, quota - this.used(key));
  }

  spend(key: string, amount: number): void {
    if (amount > 0) this.spent.set(key, this.used(key) + amount);
  }

  total(): number {
    let sum = 0;
    for (const amount of this.spent.values()) sum += amount;
    return sum;
  }

  byKey(): Record<string, number> {
    return Object.fromEntries(this.spent);
  }

  reset(): void {
    this.spent.clear();
  }
}
