// glaze-provider-replicas [--port 8400] [--host 127.0.0.1] [--providers hunter,pdl,apollo,llm]
//   [--latency-ms 0] [--jitter-ms 0] [--hunter-convention client|docs] [--llm-model gpt-4o-mini]
//   [--config <json file>]
// Serves the replicas under /hunter, /pdl, /apollo and /llm/v1 of one port, for `npm run dev`.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_KEYS, PROVIDERS, type ProviderName, type ReplicasConfigPatch } from "./config";
import { startReplicas } from "./server";

const USAGE = `usage: glaze-provider-replicas [--port 8400] [--host 127.0.0.1] [--providers hunter,pdl,apollo,llm]
              [--latency-ms 0] [--jitter-ms 0] [--hunter-convention client|docs]
              [--llm-model gpt-4o-mini[,other]] [--config <json file with a partial config>]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number, got "${raw}"`);
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p" },
    host: { type: "string" },
    providers: { type: "string" },
    "latency-ms": { type: "string" },
    "jitter-ms": { type: "string" },
    "hunter-convention": { type: "string" },
    "llm-model": { type: "string" },
    config: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const providers = (values.providers?.split(",").map((p) => p.trim()) ?? [...PROVIDERS]) as ProviderName[];
for (const provider of providers) {
  if (!(PROVIDERS as readonly string[]).includes(provider)) fail(`unknown provider "${provider}"`);
}

// A config file first, then the flags on top of it.
const patch: ReplicasConfigPatch = values.config ? JSON.parse(readFileSync(values.config, "utf8")) : {};
const latencyMs = number("latency-ms", values["latency-ms"]);
const jitterMs = number("jitter-ms", values["jitter-ms"]);
for (const provider of PROVIDERS) {
  const section: Record<string, unknown> = { ...(patch[provider] ?? {}) };
  if (latencyMs !== undefined) section.latencyMs = latencyMs;
  if (jitterMs !== undefined) section.jitterMs = jitterMs;
  if (Object.keys(section).length > 0) (patch as Record<string, unknown>)[provider] = section;
}
const convention = values["hunter-convention"];
if (convention !== undefined) {
  if (convention !== "docs" && convention !== "client") fail(`--hunter-convention must be "docs" or "client"`);
  patch.hunter = { ...patch.hunter, convention };
}
if (values["llm-model"]) patch.llm = { ...patch.llm, models: values["llm-model"].split(",").map((m) => m.trim()) };

const replicas = await startReplicas({
  port: number("port", values.port) ?? 8400,
  host: values.host,
  providers,
  config: patch,
});
console.log(`[provider-replicas] listening on ${replicas.url} (control: ${replicas.url}/__replica/stats)`);
for (const provider of providers) {
  console.log(`[provider-replicas]   ${provider.padEnd(6)} ${replicas.urls[provider]}  key: ${DEFAULT_KEYS[provider]}`);
}

const shutdown = async (signal: string) => {
  console.log(`[provider-replicas] ${signal}: closing`);
  await replicas.close();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
