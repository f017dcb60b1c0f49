import "server-only";
import { stillPermitted } from "../auth/context";
import type { Permission } from "../auth/permissions";
import { getPool } from "../db";
import { env } from "../env";
import { ACCESS_PAYLOAD, CHANNEL } from "./listener";
import type { SseConnection } from "./sse";

// An event stream keeps sending for as long as its client reads it, long after the request
// that opened it was authorized. Each stream checks again that its credentials still grant
// what it needs: at once when any process announces that access changed (a member removed or
// their role changed, a key revoked: announceAccessChange, through the process's LISTEN
// connection), and every env.sseRecheckMs (10 s) in any case (a session signed out or expired, a key that
// expired). A stream whose access is gone ends; its client's reconnect is then refused.

const listeners = new Set<() => void>();

/** Called by the listener when an access change was announced (by any process). */
export function accessChanged() {
  for (const listener of listeners) listener();
}

/** Tells every process's streams to check their access again; after the change committed. */
export async function announceAccessChange() {
  await getPool()
    .query("SELECT pg_notify($1, $2)", [CHANNEL, ACCESS_PAYLOAD])
    .catch((error: unknown) => console.error("[realtime] could not announce an access change", error));
}

/** Ends `connection` once `request`'s credentials no longer grant `permission` on the table. */
export function guardStream(connection: SseConnection, request: Request, tableId: string, permission: Permission) {
  let checking = false;
  let again = false;
  const check = async () => {
    if (connection.isClosed) return;
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        if (!(await stillPermitted(request, tableId, permission))) connection.end("access");
      } while (again && !connection.isClosed);
    } catch {
      // The database is unreachable: the stream sends nothing new meanwhile; check next time.
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), env.sseRecheckMs * (0.9 + Math.random() / 5));
  timer.unref();
  const listener = () => void check();
  listeners.add(listener);
  connection.onClose(() => {
    clearInterval(timer);
    listeners.delete(listener);
  });
}
