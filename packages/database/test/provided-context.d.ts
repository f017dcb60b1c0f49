// What the repository's Vitest harness (tests/setup/global-db.ts) provides to every test file.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    testDatabasePrefix: string;
  }
}
