import { expect, test } from "vitest";
import { authRefusal, toErrorResponse } from "@/lib/api/respond";
import { getDb } from "@/lib/db";

// Errors from the libraries Glaze calls, in the one error shape with the right status.

test("an interactive transaction that outlived its timeout (waiting on a busy table) → 503 with Retry-After, not 500", async () => {
  const expired = await getDb()
    .$transaction(
      async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.$queryRaw`SELECT 1`;
      },
      { timeout: 100 },
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect((expired as { code?: string }).code).toBe("P2028");
  const response = toErrorResponse(expired);
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  expect((await response.json()).error).toMatchObject({ code: "service_unavailable" });
});

test("better-auth's refusals: a missing record is a 404 whatever status it came with; its code is kept", () => {
  expect(authRefusal(400, { code: "INVITATION_NOT_FOUND", message: "Invitation not found" })).toMatchObject({
    code: "not_found",
    status: 404,
    details: { authCode: "INVITATION_NOT_FOUND" },
  });
  expect(authRefusal(403, { code: "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION" })?.status).toBe(403);
  expect(authRefusal(418, {})).toBeUndefined();
});
