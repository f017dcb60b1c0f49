import { createHash } from "node:crypto";

/** A number in [0, 1) that depends only on its inputs: the same cell always gets the same value. */
export function stableUnit(...parts: string[]): number {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

export function pick<T>(items: readonly T[], ...parts: string[]): T {
  return items[Math.floor(stableUnit(...parts) * items.length)];
}
