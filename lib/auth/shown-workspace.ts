/**
 * The header with which the app's pages say which workspace they show, so that a tab keeps
 * working in it after the person switched workspace in another tab. Read by
 * lib/auth/context.ts, sent by lib/client/http.ts.
 */
export const SHOWN_WORKSPACE_HEADER = "x-glaze-workspace";
