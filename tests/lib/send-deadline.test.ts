import { describe, expect, test } from "vitest";
import { checkSendDeadline, SendDeadlineMissed, withSendDeadline } from "@/lib/providers/send-deadline";

// The deadline a paced call carries down to the moment its request leaves.

describe("send deadline", () => {
  test("no deadline outside a paced call; before its deadline the request may leave, after it not", async () => {
    expect(() => checkSendDeadline()).not.toThrow();
    await withSendDeadline(Date.now() + 60_000, async () => {
      await Promise.resolve();
      expect(() => checkSendDeadline()).not.toThrow();
    });
    await expect(
      withSendDeadline(Date.now() - 1, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        checkSendDeadline();
      }),
    ).rejects.toBeInstanceOf(SendDeadlineMissed);
    await withSendDeadline(undefined, async () => expect(() => checkSendDeadline()).not.toThrow());
  });
});
