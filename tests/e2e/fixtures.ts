import { readFileSync } from "node:fs";
import { test as base, expect } from "@playwright/test";

// Pages run signed in as the stack's demo account (auth.setup.ts saved its session). The
// `request` fixture, which tests use to set up data, calls the API with the account's key.

export type E2eCredentials = { email: string; password: string; workspaceId: string; apiKey: string };

export function credentials(): E2eCredentials {
  return JSON.parse(readFileSync(".glaze/e2e-credentials.json", "utf8"));
}

export const test = base.extend({
  request: async ({ playwright, baseURL }, use) => {
    const context = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { authorization: `Bearer ${credentials().apiKey}` },
    });
    await use(context);
    await context.dispose();
  },
});

export { expect };
