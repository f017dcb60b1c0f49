import "server-only";
import { json } from "../api/handler";
import { toErrorResponse } from "../api/respond";
import type { ImportResult } from "./import-table";
import type { ImportProgress } from "./insert-rows";

export const NDJSON = "application/x-ndjson";

/**
 * The one shape of an import's answer. By default: the result as JSON (201) or the error
 * shape, once the import has ended. A client that sends `Accept: application/x-ndjson` gets
 * progress while it runs: if the import ends before its first batch is inserted, the answer is
 * exactly the default one (so every failure before a row is written keeps its 4xx and error
 * shape); otherwise a 200 streams one JSON line per inserted batch,
 * `{"progress":{"rows":…,"bytes":…}}`, then one last line: the result (`{"data","meta"}`) or
 * `{"error":{…},"status":…}` with the status the default answer would have had.
 */
export async function importResponse(
  request: Request,
  run: (onProgress: (progress: ImportProgress) => void) => Promise<ImportResult>,
): Promise<Response> {
  if (!(request.headers.get("accept") ?? "").includes(NDJSON)) return json(await run(() => {}), 201);

  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const send = (line: unknown) => {
    try {
      controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
    } catch {
      // The client has gone: the import notices through its request body and rolls back.
    }
  };
  let started: () => void = () => {};
  const firstBatch = new Promise<"progress">((resolve) => {
    started = () => resolve("progress");
  });
  const done = run((progress) => {
    started();
    send({ progress });
  });
  const first = await Promise.race([firstBatch, done.then(() => "done" as const)]);
  if (first === "done") return json(await done, 201);

  done
    .then(
      (result) => send(result),
      async (error) => {
        const failed = toErrorResponse(error);
        send({ ...(await failed.json()), status: failed.status });
      },
    )
    .finally(() => {
      try {
        controller.close();
      } catch {
        // already cancelled by the client
      }
    });
  return new Response(stream, { status: 200, headers: { "content-type": NDJSON, "cache-control": "no-store" } });
}
