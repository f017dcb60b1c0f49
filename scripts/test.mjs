#!/usr/bin/env node
// npm test – Vitest (lib + API against a real Postgres), then Playwright (Chromium against
// a production build of the full stack). Both always run; the exit code is non-zero if
// either failed. JSON reports land in reports/ for .ci/run's summary line.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";

rmSync("reports", { recursive: true, force: true });
mkdirSync("reports", { recursive: true });

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===\n`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const unit = run("vitest", "npx", ["vitest", "run"], { CI_JSON_REPORT: "reports/vitest.json" });
const e2e = process.env.SKIP_E2E
  ? 0
  : run("playwright", "npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: "reports/playwright.json" });
process.exit(unit !== 0 || e2e !== 0 ? 1 : 0);
