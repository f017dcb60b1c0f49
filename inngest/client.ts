import { Inngest } from "inngest";

// One client for the app. The SDK reads its own configuration from the environment:
// INNGEST_DEV=http://127.0.0.1:8288 talks to a dev server (the built-in one or
// `npx inngest-cli dev`); otherwise INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY select
// Inngest Cloud (or INNGEST_BASE_URL a self-hosted Inngest).
export const inngest = new Inngest({ id: "glaze" });
