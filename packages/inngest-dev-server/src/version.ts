import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { BUILT_FOR_INNGEST } from "./protocol";

/** The installed `inngest` package's version, or undefined if it cannot be found. */
export function installedInngestVersion(): string | undefined {
  try {
    // The package's `exports` hide package.json, so go through its entry point.
    const entry = createRequire(import.meta.url).resolve("inngest");
    const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), "package.json"), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** The protocol is undocumented; a different SDK version may speak it differently. */
export function checkInngestVersion(log: (line: string) => void): void {
  const installed = installedInngestVersion();
  if (installed === BUILT_FOR_INNGEST) return;
  const bar = "!".repeat(78);
  log(bar);
  log(
    `WARNING: this dev server was built for inngest ${BUILT_FOR_INNGEST}, but ${installed ?? "no inngest"} is installed.`,
  );
  log("The SDK <-> server protocol may have changed: run `npx vitest run packages/inngest-dev-server`");
  log("and update @glaze/inngest-dev-server (and BUILT_FOR_INNGEST in protocol.ts) before trusting it.");
  log(bar);
}
