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

test("a deadlock that outlived a write's retries → 503 saying to try again, not 500 (nothing was written)", async () => {
  const pg = await import("pg");
  const [a, b] = [new pg.default.Client(process.env.DATABASE_URL), new pg.default.Client(process.env.DATABASE_URL)];
  await Promise.all([a.connect(), b.connect()]);
  try {
    await Promise.all([a.query("BEGIN"), b.query("BEGIN")]);
    await a.query("SELECT pg_advisory_xact_lock(424201)");
    await b.query("SELECT pg_advisory_xact_lock(424202)");
    const outcomes = await Promise.allSettled([
      a.query("SELECT pg_advisory_xact_lock(424202)"),
      b.query("SELECT pg_advisory_xact_lock(424201)"),
    ]);
    const deadlock = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")?.reason;
    expect((deadlock as { code?: string }).code).toBe("40P01");
    const response = toErrorResponse(deadlock);
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatchObject({ code: "service_unavailable" });
  } finally {
    await Promise.allSettled([a.query("ROLLBACK"), b.query("ROLLBACK")]);
    await Promise.all([a.end(), b.end()]);
  }
});
