// Commit to painted cell in a second browser tab: two Chromium pages on one table; the first
// selects 20 rows × 5 columns and presses Enrich; the second records, for every cell, when it
// was painted done (the frame after the DOM change: requestAnimationFrame, then a task, which
// runs once the frame is drawn). Against each task's completed_at (same machine, same clock).
import { chromium } from "@playwright/test";
import { getDb } from "../lib/db";
import type { Stack } from "../scripts/stack";
import { client, createTable, fmt, signInCookies, summarize, waitForJob } from "./support";

const KEYS = ["email", "company", "title", "location", "industry"];
const ROWS = 20;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run"];

const RECORD_PAINTS = `
  window.painted = {};
  new MutationObserver((records) => {
    for (const r of records) {
      const td = r.target;
      if (!(td instanceof HTMLElement) || td.dataset.status !== "done" || window.painted[td.id]) continue;
      window.painted[td.id] = -1;
      requestAnimationFrame(() => setTimeout(() => { window.painted[td.id] = Date.now(); }, 0));
    }
  }).observe(document.body, { attributes: true, attributeFilter: ["data-status"], subtree: true });`;

export async function commitToPaint(stack: Stack, log: (line: string) => void) {
  const api = client(stack.appUrl, stack.demo.apiKey);
  const table = await createTable(api, "bench two tabs", KEYS, ROWS);
  const rows = (await getDb().row.findMany({ where: { tableId: table.tableId }, orderBy: { position: "asc" } })).map(
    (r) => r.id,
  );
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const open = async () => {
      // Both tabs signed in as the demo account, each with its own session.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies(await signInCookies(stack.appUrl, stack.demo));
      const page = await context.newPage();
      await page.goto(`${stack.appUrl}/tables/${table.tableId}`);
      await page.locator(`#cell-${ROWS - 1}-${KEYS.length}`).waitFor();
      return page;
    };
    const [first, second] = [await open(), await open()];
    await second.evaluate(RECORD_PAINTS);
    await first.locator("#cell-0-1").click();
    await first.locator(`#cell-${ROWS - 1}-${KEYS.length}`).click({ modifiers: ["Shift"] });
    await first.getByRole("button", { name: "Enrich" }).click();
    let jobId: string | undefined;
    while (!jobId) {
      const jobs = await api.get<{ data: { jobId: string }[] }>(`/api/tables/${table.tableId}/enrich/jobs?limit=1`);
      jobId = jobs.data[0]?.jobId;
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitForJob(api, table.tableId, jobId, 120_000);
    await second.waitForFunction(
      (n) =>
        Object.values((window as unknown as { painted: Record<string, number> }).painted).filter((t) => t > 0).length >=
        n,
      ROWS * KEYS.length,
      { timeout: 30_000 },
    );
    const painted = await second.evaluate(() => (window as unknown as { painted: Record<string, number> }).painted);
    const tasks = await getDb().cellEnrichmentTask.findMany({
      where: { jobId },
      select: { rowId: true, columnId: true, completedAt: true },
    });
    const samples = tasks.map((t) => {
      const id = `cell-${rows.indexOf(t.rowId)}-${table.columnIds.indexOf(t.columnId) + 1}`;
      return painted[id] - (t.completedAt?.getTime() ?? Number.NaN);
    });
    const r = summarize(samples);
    log(
      `commit → painted cell in a second browser tab (${fmt(r.n)} cells, started from the first tab): p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, max ${fmt(r.max)} ms`,
    );
  } finally {
    await browser.close();
  }
}
