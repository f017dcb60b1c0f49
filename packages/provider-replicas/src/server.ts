// One node:http server hosting replicas either under path prefixes (/hunter, /pdl, /apollo,
// /llm: startReplicas) or one replica at the root (startReplica, to imitate a provider's
// base URL exactly). The control API lives at /__replica/ in both layouts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  applyPatch,
  defaultConfig,
  PROVIDERS,
  type ProviderName,
  type ReplicasConfig,
  type ReplicasConfigPatch,
} from "./config";
import { CONTROL_PREFIX, handleControl } from "./control";
import { json, type ReplicaResponse, readRequest, writeResponse } from "./http";
import { apolloHandler } from "./providers/apollo";
import { hunterHandler } from "./providers/hunter";
import { llmHandler } from "./providers/llm";
import { pdlHandler } from "./providers/pdl";
import { seededRandom } from "./random";
import { type Environment, type Handler, ReplicaContext } from "./runtime";
import type { ProviderStats } from "./stats";

const HANDLERS: { [P in ProviderName]: Handler<P> } = {
  hunter: hunterHandler,
  pdl: pdlHandler,
  apollo: apolloHandler,
  llm: llmHandler,
};

/**
 * Path below the server URL where each replica's base URL ends. The LLM's base URL
 * includes /v1, as OpenAI-compatible clients expect (`https://api.openai.com/v1`).
 */
const BASE_SUFFIX: Record<ProviderName, string> = { hunter: "", pdl: "", apollo: "", llm: "/v1" };

export interface StartOptions {
  /** 8400 by default; 0 picks a free port. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  config?: ReplicasConfigPatch;
  /** The clock for rate windows and stats; tests pass a fake one. */
  now?: () => number;
}

export interface Replicas<P extends ProviderName = ProviderName> {
  /** The server's root URL, e.g. http://127.0.0.1:8400 (control API at /__replica/). */
  url: string;
  /** Each replica's base URL: the provider's documented paths are appended to it. */
  urls: Record<P, string>;
  stats(): Record<P, ProviderStats>;
  /** Clears stats, rate windows, spent credits and one-shot triggers; keeps the config. */
  reset(): void;
  config(): ReplicasConfig;
  /** Applies a partial config; throws ConfigError on an unknown field or a wrong type. */
  configure(patch: ReplicasConfigPatch): void;
  close(): Promise<void>;
}

/** All (or the chosen) replicas on one port, each under its own path prefix. */
export function startReplicas<P extends ProviderName = ProviderName>(
  options: StartOptions & { providers?: P[] } = {},
): Promise<Replicas<P>> {
  const providers = options.providers ?? (PROVIDERS as readonly ProviderName[] as P[]);
  return start(providers, "prefixed", options);
}

/** One replica at the root of its own server, so its base URL is just the server URL. */
export function startReplica<P extends ProviderName>(provider: P, options: StartOptions = {}): Promise<Replicas<P>> {
  return start([provider], "root", options);
}

async function start<P extends ProviderName>(
  providers: P[],
  layout: "prefixed" | "root",
  options: StartOptions,
): Promise<Replicas<P>> {
  for (const provider of providers) {
    if (!(PROVIDERS as readonly string[]).includes(provider)) throw new Error(`unknown provider "${provider}"`);
  }
  const config = defaultConfig();
  if (options.config) applyPatch(config, options.config);
  const env: Environment = { config, now: options.now ?? Date.now, random: seededRandom(config.seed) };
  const contexts = new Map<ProviderName, ReplicaContext<ProviderName>>();
  for (const provider of providers) contexts.set(provider, new ReplicaContext(provider, env));

  const stats = () =>
    Object.fromEntries(providers.map((p) => [p, contexts.get(p)?.snapshot()])) as Record<P, ProviderStats>;
  const reset = () => {
    for (const context of contexts.values()) context.reset();
    env.random = seededRandom(config.seed);
  };
  const configure = (patch: unknown) => {
    const seed = config.seed;
    applyPatch(config, patch);
    if (config.seed !== seed) env.random = seededRandom(config.seed);
  };
  const control = { config: () => structuredClone(config), configure, stats, reset };

  const route = (path: string): { provider: ProviderName; path: string } | null => {
    if (layout === "root") return { provider: providers[0] as ProviderName, path };
    const match = /^\/([a-z]+)(\/.*)?$/.exec(path);
    const provider = match?.[1] as ProviderName | undefined;
    return provider && contexts.has(provider) ? { provider, path: match?.[2] ?? "/" } : null;
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://replica.local");
      if (url.pathname.startsWith(CONTROL_PREFIX)) {
        return writeResponse(res, handleControl(await readRequest(req, url.pathname, url.searchParams), control));
      }
      const target = route(url.pathname);
      if (!target) return writeResponse(res, index(url.pathname));
      const context = contexts.get(target.provider) as ReplicaContext<ProviderName>;
      const request = await readRequest(req, target.path, url.searchParams);
      const handler = HANDLERS[target.provider] as Handler<ProviderName>;
      writeResponse(res, await context.serve(request, handler));
    } catch (err) {
      // A bug in a replica, not provider behaviour: say so in the house error shape.
      if (!res.headersSent) {
        writeResponse(res, json(500, { error: { code: "replica_error", message: (err as Error).message } }));
      } else res.destroy();
    }
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8400, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const urls = Object.fromEntries(
    providers.map((p) => [p, layout === "root" ? `${url}${BASE_SUFFIX[p]}` : `${url}/${p}${BASE_SUFFIX[p]}`]),
  ) as Record<P, string>;

  function index(path: string): ReplicaResponse {
    if (path === "/") return json(200, { replicas: urls, control: `${url}${CONTROL_PREFIX}` });
    return json(404, {
      error: { code: "not_found", message: `no replica serves ${path}; try ${Object.values(urls).join(", ")}` },
    });
  }

  return {
    url,
    urls,
    stats,
    reset,
    config: control.config,
    configure,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
