import { defineConfig } from "prisma/config";

// The CLI is only used for `generate`/`validate`/`format` here; migrations are applied
// by scripts/db-migrate.ts (see README). DATABASE_URL is optional for those commands.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/glaze" },
});
