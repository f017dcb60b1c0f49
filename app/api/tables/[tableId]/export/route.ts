import { parseQuery } from "@/lib/api/body";
import { otherMethods, route } from "@/lib/api/handler";
import { attachmentHeader, exportTableCsv } from "@/lib/csv/export";
import { exportQuery } from "@/lib/csv/schemas";

// GET /api/tables/:tableId/export – the table, or a view of it (filter, sort, q, columns), as a streamed text/csv download
export const GET = route<{ tableId: string }>({ permission: "read" }, async (request, { tableId }) => {
  const { filename, open } = await exportTableCsv({ tableId, query: parseQuery(request, exportQuery) });
  // HEAD (which Next answers with this handler) gets the headers without reading a row.
  return new Response(request.method === "HEAD" ? null : await open(), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": attachmentHeader(filename),
      "cache-control": "no-store",
    },
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
