import { z } from "zod";
import { storableString } from "../api/text";

export const importTableQuery = z.strictObject({
  name: storableString().trim().min(1).max(200).default("Imported table").describe("Name of the new table"),
  description: storableString().trim().max(2000).optional().describe("Optional description of the new table"),
});

export const appendImportQuery = z.strictObject({
  createColumns: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1")
    .describe("Create a column for each header that matches no column (otherwise such headers are a 422)"),
});
