import { createHash, randomBytes } from "node:crypto";

// ULIDs, like Inngest's own event and run ids: sortable by time, so "newest first"
// is an index scan on the primary key.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encode(time: number, entropy: Uint8Array): string {
  let out = "";
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  // 80 bits of entropy = 16 base32 characters, 5 bits at a time.
  let bits = 0;
  let value = 0;
  for (const byte of entropy.subarray(0, 10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

let lastTime = -1;
let lastEntropy = Buffer.alloc(10);

/** Monotonic within this process, so runs created in the same millisecond keep their order. */
export function ulid(time = Date.now()): string {
  if (time <= lastTime) {
    for (let i = 9; i >= 0; i--) {
      lastEntropy[i] = (lastEntropy[i] + 1) & 0xff;
      if (lastEntropy[i] !== 0) break;
    }
    return encode(lastTime, lastEntropy);
  }
  lastTime = time;
  lastEntropy = randomBytes(10);
  // Leave headroom so increments within one millisecond never wrap.
  lastEntropy[0] &= 0x7f;
  return encode(time, lastEntropy);
}

/**
 * The SDK sends `x-inngest-event-id-seed: <ms>,<base64 entropy>` and resends the same
 * seed when it retries a send, so ids derived from it make event ingestion idempotent.
 */
export function seededUlid(seed: string, index: number): string | undefined {
  const [ms, entropy] = seed.split(",");
  const time = Number(ms);
  if (!Number.isSafeInteger(time) || time < 0 || !entropy) return undefined;
  const digest = createHash("sha256").update(`${entropy}:${index}`).digest();
  return encode(time, digest);
}
