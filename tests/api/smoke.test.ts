import { expect, test } from "vitest";
import { api } from "../support/api";

test("smoke", async () => {
  const created = await api.post("/api/tables", { name: "T", columns: [{ key: "name", label: "Name" }] });
  expect(created.status).toBe(201);
  const rows = await api.post(`/api/tables/${created.body.id}/rows`, { rows: [{ data: { name: "a" } }, { data: {} }] });
  expect(rows.status).toBe(201);
  const list = await api.get(`/api/tables/${created.body.id}/rows?limit=1`);
  console.log(list.body);
  const bad = await api.post(`/api/tables/${created.body.id}/rows`, { rows: [{ data: { nope: 1 } }] });
  console.log(JSON.stringify(bad.body));
});
