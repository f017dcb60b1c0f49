// Clipboard text as spreadsheets write it: tab-separated cells, one line per row, fields
// holding a tab, line break or quote wrapped in double quotes (quotes doubled).

/** Parses clipboard text into rows of cells. A single trailing line break is not a row. */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"' && field === "") {
      const close = findClosingQuote(text, i + 1);
      const after = text[close + 1];
      // Only a quote that spans the whole field is quoting; `"5" tall` is plain text.
      if (close !== -1 && (after === undefined || after === "\t" || after === "\n" || after === "\r")) {
        field = text.slice(i + 1, close).replace(/""/g, '"');
        i = close + 1;
        continue;
      }
    }
    if (ch === "\t") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (ch === "\r" && text[i + 1] === "\n") i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function findClosingQuote(text: string, from: number): number {
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return -1;
    if (text[q + 1] === '"') {
      i = q + 2;
      continue;
    }
    return q;
  }
}

function tsvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[\t\n\r"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Serializes rows of cells for the clipboard. */
export function toTsv(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => row.map(tsvField).join("\t")).join("\n");
}

/**
 * Where pasted values land: the block at the selection's top-left corner; a single value
 * pasted onto a larger selection fills all of it, as spreadsheets do.
 */
export function pasteTargets(
  values: string[][],
  target: { top: number; left: number; bottom: number; right: number },
  dims: { rows: number; cols: number },
): { row: number; col: number; value: string }[] {
  const single = values.length === 1 && values[0].length === 1;
  const height = single ? target.bottom - target.top + 1 : values.length;
  const out: { row: number; col: number; value: string }[] = [];
  for (let r = 0; r < height && target.top + r < dims.rows; r++) {
    const line = single ? null : values[r];
    const width = single ? target.right - target.left + 1 : (line?.length ?? 0);
    for (let c = 0; c < width && target.left + c < dims.cols; c++) {
      out.push({ row: target.top + r, col: target.left + c, value: single ? values[0][0] : (line?.[c] ?? "") });
    }
  }
  return out;
}

/**
 * What a paste at `target` (see pasteTargets) leaves outside the grid: the pasted lines below
 * its last row, as new rows' values by column index (cut at its last column), and how many
 * pasted columns lie right of its last column. A single value fills the selection: nothing.
 */
export function pasteOverflow(
  values: string[][],
  target: { top: number; left: number },
  dims: { rows: number; cols: number },
): { rows: { col: number; value: string }[][]; droppedColumns: number } {
  if (values.length === 1 && values[0].length === 1) return { rows: [], droppedColumns: 0 };
  const width = Math.max(...values.map((line) => line.length));
  const fits = Math.max(0, dims.cols - target.left);
  return {
    rows: values
      .slice(Math.max(0, dims.rows - target.top))
      .map((line) => line.slice(0, fits).map((value, c) => ({ col: target.left + c, value }))),
    droppedColumns: Math.max(0, width - fits),
  };
}
