import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";

/** Starts the built-in Inngest dev server (inngest/dev-server/cli.ts) as a child process syncing `appUrl`. */
export function spawnDevServer(options: {
  appUrl: string;
  port: number;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
  /** Multiplies retry backoffs (1 s, 2 s, 4 s …); test and benchmark stacks shorten them. */
  backoffScale?: number;
}): ChildProcess {
  const args = ["--import", "tsx", "inngest/dev-server/cli.ts", "-u", `${options.appUrl}/api/inngest`];
  args.push("--port", String(options.port));
  if (options.backoffScale !== undefined) args.push("--backoff-scale", String(options.backoffScale));
  return spawn(process.execPath, args, { stdio: options.stdio, env: options.env });
}
