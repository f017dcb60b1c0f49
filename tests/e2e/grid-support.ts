import { type APIRequestContext, expect, type Page } from "@playwright/test";

/** Collects console errors and uncaught page errors; every test asserts there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

type Column = { key: string; label: string; dataType?: string };
export type Created = {
  id: string;
  columns: { id: string; key: string }[];
  rows: { id: string; data: Record<string, unknown> }[];
};

/** A table of its own for a test that changes data, so tests never depend on each other. */
export async function createTable(
  request: APIRequestContext,
  name: string,
  columns: Column[],
  rows: Record<string, unknown>[],
): Promise<Created> {
  const table = await request.post("/api/tables", { data: { name, columns } });
  expect(table.status()).toBe(201);
  const body = await table.json();
  const created = await request.post(`/api/tables/${body.id}/rows`, { data: { rows: rows.map((data) => ({ data })) } });
  expect(created.status()).toBe(201);
  return { id: body.id, columns: body.columns, rows: (await created.json()).data };
}

/** The grid's row that shows `text` (rows are found by what a person reads in them). */
export const rowWith = (page: Page, text: string) => page.getByRole("grid").getByRole("row").filter({ hasText: text });

/** The cell of a row under a column header; headers are matched by label (their title starts with it). */
export async function cellOf(page: Page, rowText: string, columnLabel: string) {
  await expect(rowWith(page, rowText).first()).toBeVisible();
  const titles = await page
    .getByRole("grid")
    .getByRole("columnheader")
    .evaluateAll((headers) => headers.map((h) => h.getAttribute("title") ?? ""));
  const index = titles.findIndex((t) => t.startsWith(`${columnLabel} · `));
  if (index < 1) throw new Error(`no column ${columnLabel} in ${titles.join(" | ")}`);
  // The first column header is the row-number gutter, which rows render as a rowheader.
  return rowWith(page, rowText)
    .getByRole("gridcell")
    .nth(index - 1);
}

/** Pastes `text` (tab-separated lines) into the grid at its selection, as the browser would. */
export async function pasteIntoGrid(page: Page, text: string) {
  await page.getByRole("grid").evaluate((grid, pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    grid.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}
