// npm run db:reset – deletes the embedded development database (.glaze/postgres), so the next
// `npm run dev` starts afresh: migrations, the seed and the demo account. External databases
// (DATABASE_URL) are never touched.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { isListening } from "@glaze/database";
import { settings } from "./settings";

if (process.env.DATABASE_URL) {
  console.error("DATABASE_URL is set: db:reset only deletes the embedded database. Drop and recreate yours by hand.");
  process.exit(2);
}
if (await isListening(settings.pgPort)) {
  console.error(`Something listens on port ${settings.pgPort}: stop \`npm run dev\` first, then run db:reset again.`);
  process.exit(2);
}
const dir = path.resolve(settings.pgDir);
if (!existsSync(dir)) {
  console.log(`Nothing to reset: ${dir} does not exist.`);
  process.exit(0);
}
await rm(dir, { recursive: true, force: true });
console.log(`Deleted ${dir}. The next \`npm run dev\` creates a fresh database.`);
