import { z } from "zod";

export const importTableQuery = z.strictObject({
  name: z.string().trim().min(1).max(200).default("Imported table").describe("Name of the new table"),
  description: z.string().trim().max(2000).optional().describe("Optional description of the new table"),
});

export const appendImportQuery = z.strictObject({
  createColumns: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1")
    .describe("Create a column for each header that matches no column (otherwise such headers are a 422)"),
});
