import { afterAll, beforeAll, vi } from "vitest";

// For API tests that move tasks with direct engine calls: with no Inngest dev server or
// event key, dispatch fails fast and each created job records why it could not start.
// Import this first: the Inngest client reads these variables when it is constructed.
delete process.env.INNGEST_DEV;
delete process.env.INNGEST_EVENT_KEY;
delete process.env.INNGEST_BASE_URL;

// Each failed dispatch is logged; keep the test output readable.
beforeAll(() => {
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => {
  vi.restoreAllMocks();
});
