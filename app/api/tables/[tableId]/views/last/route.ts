import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import type { Access } from "@/lib/auth/access";
import { getLastView, setLastView } from "@/lib/views/last-view";
import { lastViewSchema } from "@/lib/views/view-schemas";

type Params = { tableId: string };

// Session only (route options): a person's own choice, which API keys have none of.
const userOf = (access: Access) => access.actor.userId as string;

// GET /api/tables/:tableId/views/last – the signed-in person's last used view of the table: { viewId } (null: all rows)
export const GET = route<Params>({ permission: "read", session: true }, async (_request, { tableId }, access) =>
  json(await getLastView({ userId: userOf(access), tableId })),
);

// PUT /api/tables/:tableId/views/last – remember { viewId } (a view of this table, or null) as the person's last used view
export const PUT = route<Params>({ permission: "read", session: true }, async (request, { tableId }, access) => {
  const { viewId } = await parseJsonBody(request, lastViewSchema);
  return json(await setLastView({ userId: userOf(access), tableId, viewId }));
});

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
