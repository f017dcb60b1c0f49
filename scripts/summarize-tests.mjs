#!/usr/bin/env node
// Prints one line "N passed, N failed" summed over Vitest's and Playwright's JSON reports.
// A missing or unreadable report counts as one failure (the runner crashed before writing it);
// a test file that failed to load counts as a failure too.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;

function load(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

const vitest = load("reports/vitest.json");
if (!vitest) {
  console.error("vitest report missing: counting as a failure");
  failed += 1;
} else {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  // Suites that failed without any failed test (e.g. an import error) still count.
  for (const suite of vitest.testResults ?? []) {
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === "failed").length;
    if (suite.status === "failed" && failedTests === 0) failed += 1;
  }
}

if (!process.env.SKIP_E2E) {
  const pw = load("reports/playwright.json");
  if (!pw) {
    console.error("playwright report missing: counting as a failure");
    failed += 1;
  } else {
    passed += (pw.stats?.expected ?? 0) + (pw.stats?.flaky ?? 0);
    failed += pw.stats?.unexpected ?? 0;
    skipped += pw.stats?.skipped ?? 0;
    for (const error of pw.errors ?? []) {
      console.error(`playwright error: ${error.message ?? error}`);
      failed += 1;
    }
  }
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
