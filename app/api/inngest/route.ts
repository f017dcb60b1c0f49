import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { guardServe } from "@/lib/api/serve-guard";

// GET/PUT/POST /api/inngest – the Inngest serve endpoint (sync and step execution).
// In production (INNGEST_SIGNING_KEY set) the SDK rejects unsigned or forged requests.
export const { GET, POST, PUT } = guardServe(
  serve({ client: inngest, functions }),
  functions.map((fn) => fn.id(inngest.id)),
);
