import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";

/** Starts the built-in Inngest dev server (@glaze/inngest-dev-server) as a child process syncing `appUrl`. */
export function spawnDevServer(options: {
  /** Origin whose /api/inngest the dev server syncs and calls: the worker's (or the app's). */
  appUrl: string;
  port: number;
  /** Postgres database of the dev server's own state. */
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
  /** Multiplies retry backoffs (1 s, 2 s, 4 s …); test and benchmark stacks shorten them. */
  backoffScale?: number;
}): ChildProcess {
  const args = ["packages/inngest-dev-server/bin/glaze-inngest-dev.mjs", "-u", `${options.appUrl}/api/inngest`];
  args.push("--port", String(options.port), "--database-url", options.databaseUrl);
  if (options.backoffScale !== undefined) args.push("--backoff-scale", String(options.backoffScale));
  return spawn(process.execPath, args, { stdio: options.stdio, env: options.env });
}
