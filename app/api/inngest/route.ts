import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

// GET/PUT/POST /api/inngest – the Inngest serve endpoint (sync and step execution).
// In production (INNGEST_SIGNING_KEY set) the SDK rejects unsigned or forged requests.
export const { GET, POST, PUT } = serve({ client: inngest, functions });
