// Two kinds of randomness. Everything about a person is a pure function of the input
// (Draws, seeded by a SHA-256 of it), so the same person answers the same way in every
// process. Timing choices (jitter, injected faults) come from a seeded PRNG, so a run is
// repeatable from its seed but two requests for the same person can differ.
import { createHash } from "node:crypto";

/** A deterministic stream of numbers derived from `seed`, unlimited in length. */
export class Draw {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** A float in [0, 1). */
  next(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash("sha256")
        .update(`${this.seed}\u0000${this.counter++}`)
        .digest();
      this.offset = 0;
    }
    const value = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return value / 2 ** 32;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1]?.[0] as T;
  }

  /** `length` lowercase hex characters. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += this.int(0, 15).toString(16);
    return out;
  }
}

/** One uniform number in [0, 1) for a key: the same key always gives the same number. */
export function unitHash(...parts: string[]): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32BE(0) / 2 ** 32;
}

/** mulberry32: small, fast, good enough for jitter and fault rolls. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
