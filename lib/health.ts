import "server-only";
import { getDb } from "./db";

export async function checkHealth() {
  await getDb().$queryRaw`SELECT 1`;
  return { status: "ok", database: "ok" };
}
