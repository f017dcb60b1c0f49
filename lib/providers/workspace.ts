import "server-only";

// Which workspace a request or a job acts for. Provider credentials, alerts and the engine's
// credential look-ups all take a workspace id from here and nowhere else.

/**
 * The one workspace that exists until accounts land: every request and job acts for it.
 * ACCOUNTS REPLACE THIS: better-auth organizations become workspaces, workspaceOf reads the
 * session's active organization and workspaceOfTable the table's owner; nothing else changes.
 */
export const DEV_WORKSPACE_ID = "00000000-0000-4000-8000-000000000001";

/** The workspace a request acts for. */
export async function workspaceOf(_request: Request): Promise<string> {
  return DEV_WORKSPACE_ID;
}

/** The workspace that owns a table (and so its jobs and their provider calls). */
export async function workspaceOfTable(_tableId: string): Promise<string> {
  return DEV_WORKSPACE_ID;
}
