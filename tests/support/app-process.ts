import { type ChildProcess, spawn } from "node:child_process";

// Another app process on the test's database (tests/support/route-server-main.ts), which a
// test may kill and start again on the same port.

export type AppProcess = { url: string; kill: () => Promise<void>; restart: () => Promise<void> };

async function start(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "tests/support/route-server-main.ts"],
    { env: { ...process.env, ROUTE_SERVER_PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the app process exited (${code}) before listening`)));
  });
  return { child, url };
}

export async function startAppProcess(): Promise<AppProcess> {
  let { child, url } = await start(0);
  const port = Number(new URL(url).port);
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return {
    url,
    kill,
    restart: async () => {
      await kill();
      ({ child } = await start(port));
    },
  };
}
