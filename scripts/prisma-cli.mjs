#!/usr/bin/env node
// Runs the Prisma CLI offline. Prisma 7's CLI downloads its native schema engine before
// most commands; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing file skips that, and
// generate/validate/format do not need the engine at all. `migrate` is not available this
// way: use `npm run db:migrate` (scripts/db-migrate.ts) instead.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const dir = join(tmpdir(), "glaze-prisma");
  const stub = join(dir, "schema-engine-stub");
  if (!existsSync(stub)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(stub, "#!/bin/sh\necho 'schema engine not available offline' >&2\nexit 1\n");
    chmodSync(stub, 0o755);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
const args = process.argv.slice(2);
const result = spawnSync(process.execPath, [join("node_modules", "prisma", "build", "index.js"), ...args], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
