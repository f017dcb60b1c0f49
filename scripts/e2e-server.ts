// The full stack for Playwright (see playwright.config.ts): its own embedded Postgres data
// dir and ports, a fresh seeded database, the built-in Inngest dev server and a production
// build of the app. Provider calls take 400 ms so people and tests can see cells change.
import { writeCredentials } from "./dev-secrets";
import { startStack } from "./stack";

export const E2E_CREDENTIALS_FILE = ".glaze/e2e-credentials.json";

const stack = await startStack({
  appPort: Number(process.env.E2E_PORT ?? 3100),
  inngestPort: Number(process.env.E2E_INNGEST_PORT ?? 8299),
  pgPort: Number(process.env.E2E_PG_PORT ?? 54349),
  pgDir: ".glaze/e2e-postgres",
  database: "glaze_e2e",
  adminUrl: process.env.E2E_DATABASE_ADMIN_URL,
  build: !process.env.E2E_SKIP_BUILD,
  providerLatencyMs: Number(process.env.GLAZE_PROVIDER_LATENCY_MS ?? 400),
  log: (line) => console.log(`[e2e] ${line}`),
});
// The specs sign in with the stack's demo account (tests/e2e/auth.setup.ts).
writeCredentials(E2E_CREDENTIALS_FILE, stack.demo);
console.log(`[e2e] app on ${stack.appUrl}, Inngest dev server on ${stack.inngestUrl}`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
