import { describe, expect, test } from "vitest";
import { BATCH_ROWS } from "@/lib/csv/csv-stream";
import { ANALYZE_AFTER_ROWS } from "@/lib/csv/insert-rows";
import { CsvStreamParser, parseCsv } from "@/lib/csv/parse";
import { getPool } from "@/lib/db";
import { api } from "../support/api";
import { testAccount } from "../support/auth";

const COLUMNS = 10;
const header = `${Array.from({ length: COLUMNS }, (_, c) => `Column ${c}`).join(",")}\r\n`;
const line = (i: number) => `${Array.from({ length: COLUMNS }, (_, c) => `r${i}c${c}`).join(",")}\r\n`;
const ROWS_PER_CHUNK = 500;

/**
 * A CSV body generated only when the importer pulls it (highWaterMark 0), so `generated` tells
 * how far the server has read. `failAt` errors the stream there, as a dropped connection does.
 */
function generatedBody(rows: number, { failAt, bad }: { failAt?: number; bad?: number } = {}) {
  const state = { generated: 0, finished: false };
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (failAt !== undefined && state.generated >= failAt) {
          controller.error(new Error("connection reset"));
          return;
        }
        let text = state.generated === 0 ? header : "";
        const end = Math.min(rows, state.generated + ROWS_PER_CHUNK);
        for (let i = state.generated; i < end; i++) text += i === bad ? "ragged\r\n" : line(i);
        state.generated = end;
        controller.enqueue(encoder.encode(text));
        if (end === rows) {
          state.finished = true;
          controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

async function post(
  body: ReadableStream<Uint8Array>,
  { ndjson = true, signal }: { ndjson?: boolean; signal?: AbortSignal } = {},
) {
  const { POST } = await import("@/app/api/tables/import/route");
  const init = {
    method: "POST",
    body,
    duplex: "half",
    signal,
    headers: {
      "content-type": "text/csv",
      authorization: `Bearer ${(await testAccount()).apiKey}`,
      ...(ndjson ? { accept: "application/x-ndjson" } : {}),
    },
  };
  return POST(new Request("http://localhost/api/tables/import?name=Streamed", init as RequestInit), {
    params: Promise.resolve({}),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read lines loosely
async function* ndjsonLines(response: Response): AsyncGenerator<any> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf("\n");
    while (end !== -1) {
      yield JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf("\n");
    }
  }
}

const tableCount = async () => (await api.get("/api/tables?limit=1")).body.meta.total as number;

describe("streaming CSV parser", () => {
  test("fed in chunks split at every position, it gives what the whole-text parser gives", () => {
    const text = '\uFEFFa,b\r\n"x, ""y""\r\nz",2\r\n\r\n3,"4"\r5,6\n"",\r\nlast,"row"';
    const whole = parseCsv(text);
    for (let size = 1; size <= text.length; size++) {
      const parser = new CsvStreamParser(1_000);
      const records: string[][] = [];
      const lines: number[] = [];
      for (let at = 0; at < text.length; at += size) {
        const parsed = parser.push(text.slice(at, at + size));
        records.push(...parsed.records);
        lines.push(...parsed.lines);
      }
      const rest = parser.end();
      records.push(...rest.records);
      lines.push(...rest.lines);
      expect({ records, lines }).toEqual(whole);
    }
  });

  test("a quote never closed stops reading once the open record passes the cap, naming its line", () => {
    const parser = new CsvStreamParser(100);
    parser.push('a,b\r\n1,2\r\n3,"open');
    expect(() => parser.push("x".repeat(200))).toThrow(/line 3: a record is longer than 100 characters/);
  });
});

describe("POST /api/tables/import, streamed", () => {
  test("batches are cut at BATCH_ROWS records even when one chunk brings many more", async () => {
    const rows = 2 * BATCH_ROWS + 1_234;
    const text = header + Array.from({ length: rows }, (_, i) => line(i)).join("");
    const oneChunk = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
    const response = await post(oneChunk);
    expect(response.status).toBe(200);
    const progress: number[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: the last line
    let last: any;
    for await (const entry of ndjsonLines(response)) {
      if (entry.progress) progress.push(entry.progress.rows);
      else last = entry;
    }
    expect(last.meta.imported).toBe(rows);
    expect(progress.filter((n) => n < rows)).toEqual([BATCH_ROWS, 2 * BATCH_ROWS]);
  });

  test("200,000 rows × 10 columns: rows are inserted while the upload goes on, never more than two batches behind", async () => {
    const rows = 200_000;
    const { stream, state } = generatedBody(rows);
    const response = await post(stream);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    // The answer starts after the first batch, long before the body has been read.
    expect(state.finished).toBe(false);
    const progress: number[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: the last line
    let last: any;
    for await (const entry of ndjsonLines(response)) {
      if (entry.progress) {
        // What has been read but not inserted is what sits in memory: at most two batches and a chunk.
        expect(state.generated - entry.progress.rows).toBeLessThanOrEqual(2 * BATCH_ROWS + ROWS_PER_CHUNK);
        progress.push(entry.progress.rows);
      } else last = entry;
    }
    expect(progress.length).toBeGreaterThanOrEqual(rows / BATCH_ROWS - 1);
    expect(progress.some((inserted) => inserted < rows / 2)).toBe(true);
    expect(last.meta.imported).toBe(rows);
    expect(last.data.rowCount).toBe(rows);
    const tail = await api.get(`/api/tables/${last.data.id}/rows?offset=${rows - 1}&limit=1`);
    expect(tail.body.data[0].data.column_9).toBe(`r${rows - 1}c9`);
  });

  test("after a big import the planner knows the new table's size: its statistics were refreshed before the answer", async () => {
    // Until ANALYZE, a new table's id is in no statistics and its rows are estimated at about
    // one, which once made a window half-way down a million imported rows take minutes.
    const rows = ANALYZE_AFTER_ROWS;
    const response = await post(generatedBody(rows).stream, { ndjson: false });
    expect(response.status).toBe(201);
    const { data } = await response.json();
    for (const table of ["rows", "row_search"]) {
      const { rows: plan } = await getPool().query(
        `EXPLAIN (FORMAT JSON) SELECT * FROM ${table} WHERE table_id = '${data.id}'::uuid`,
      );
      expect(plan[0]["QUERY PLAN"][0].Plan["Plan Rows"]).toBeGreaterThan(rows / 2);
    }
  });

  test("after a big import its pages are vacuumed in the background: hint bits set, pages all-visible", async () => {
    const rows = ANALYZE_AFTER_ROWS;
    const started = new Date();
    const response = await post(generatedBody(rows).stream, { ndjson: false });
    expect(response.status).toBe(201);
    // A manual VACUUM of both tables ended after the import started (autovacuum's are counted apart).
    let vacuumed: string[] = [];
    for (let waited = 0; waited < 60_000 && vacuumed.length < 2; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      const { rows: stats } = await getPool().query<{ relname: string }>(
        "SELECT relname FROM pg_stat_user_tables WHERE relname IN ('rows', 'row_search') AND last_vacuum >= $1",
        [started],
      );
      vacuumed = stats.map((s) => s.relname).sort();
    }
    expect(vacuumed).toEqual(["row_search", "rows"]);
  });

  test("a connection dropped mid-upload leaves no table, with or without progress lines", async () => {
    const before = await tableCount();
    const plain = await post(generatedBody(50_000, { failAt: 30_000 }).stream, { ndjson: false });
    expect(plain.status).toBe(400);
    expect((await plain.json()).error.message).toMatch(/interrupted/);
    const streamed = await post(generatedBody(50_000, { failAt: 30_000 }).stream);
    expect(streamed.status).toBe(200);
    const lines = [];
    for await (const entry of ndjsonLines(streamed)) lines.push(entry);
    expect(lines.at(-1)).toMatchObject({ status: 400, error: { code: "bad_request" } });
    expect(await tableCount()).toBe(before);
  });

  test("an aborted request (the client went away) rolls back what was inserted", async () => {
    const before = await tableCount();
    const abort = new AbortController();
    const { stream } = generatedBody(100_000);
    const response = await post(stream, { signal: abort.signal });
    expect(response.status).toBe(200);
    const lines = [];
    for await (const entry of ndjsonLines(response)) {
      lines.push(entry);
      if (entry.progress?.rows >= 2 * BATCH_ROWS) abort.abort();
    }
    expect(lines.at(-1)).toMatchObject({ status: 400, error: { code: "bad_request" } });
    expect(await tableCount()).toBe(before);
  });

  test("a ragged record after 60,000 rows → the last line is the 422 naming its line, and nothing is written", async () => {
    const before = await tableCount();
    const response = await post(generatedBody(80_000, { bad: 60_000 }).stream);
    const lines = [];
    for await (const entry of ndjsonLines(response)) lines.push(entry);
    expect(lines.at(-1)).toEqual({
      status: 422,
      error: {
        code: "validation_failed",
        message: "The CSV does not fit a table",
        details: [{ path: "line.60002", message: "expected 10 fields, found 1" }],
      },
    });
    expect(await tableCount()).toBe(before);
  });

  test("a failure before any row is inserted keeps its status and error shape; a success streams once a batch is in", async () => {
    const small = new Blob(["a,,c\r\n1,2,3\r\n"]).stream();
    const response = await post(small);
    expect(response.status).toBe(422);
    expect((await response.json()).error.details).toEqual([{ path: "header.1", message: "column 2 has no name" }]);
    const plain = await post(new Blob(["a,b\r\n1,2\r\n"]).stream(), { ndjson: false });
    expect(plain.status).toBe(201);
    expect((await plain.json()).meta.imported).toBe(1);
    // Once a batch is in, even the only one, the answer is the progress stream.
    const streamed = [];
    for await (const entry of ndjsonLines(await post(new Blob(["a,b\r\n1,2\r\n"]).stream()))) streamed.push(entry);
    expect(streamed[0]).toEqual({ progress: { rows: 1, bytes: 10 } });
    expect(streamed[1].meta).toEqual({ imported: 1, createdColumns: ["a", "b"] });
  });
});
