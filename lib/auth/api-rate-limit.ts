import "server-only";
import { getPool } from "../db";
import { env } from "../env";
import { AppError } from "../errors";

// Requests per API key per minute, counted in Postgres (an unlogged table) so that every app
// instance shares one count. A fixed window: simple, and at most twice the limit in a burst
// that straddles a window's end.

const CONSUME = {
  name: "glaze-consume-api-request",
  text: `INSERT INTO api_rate_windows (key_id, window_start, count)
         VALUES ($1, date_trunc('minute', now()), 1)
         ON CONFLICT (key_id, window_start) DO UPDATE SET count = api_rate_windows.count + 1
         RETURNING count, ceil(extract(epoch from (window_start + interval '1 minute' - now())))::int AS "resetIn"`,
};

/** Counts one request of the key; 429 with Retry-After (seconds) once the minute's limit is used. */
export async function consumeApiRequest(keyId: string) {
  const limit = env.apiRequestsPerMinute;
  const { rows } = await getPool().query<{ count: number; resetIn: number }>({ ...CONSUME, values: [keyId] });
  const [{ count, resetIn }] = rows;
  if (Math.random() < 0.001) {
    // Now and then, forget windows that ended long ago.
    void getPool()
      .query("DELETE FROM api_rate_windows WHERE window_start < now() - interval '10 minutes'")
      .catch(() => {});
  }
  if (count <= limit) return;
  throw new AppError("too_many_requests", `This API key made more than ${limit} requests this minute`, {
    limit,
    retryAfterSeconds: Math.max(1, resetIn),
  });
}
