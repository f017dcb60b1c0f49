// The control API, under /__replica/ (no provider documents a path starting with "/__"):
//   GET  /__replica/health  → { ok: true }
//   GET  /__replica/config  → the current config of every replica
//   POST /__replica/config  → apply a partial config ({ "hunter": { "convention": "docs" } })
//   GET  /__replica/stats   → calls, statuses, credits and peak rates per replica
//   POST /__replica/reset   → clear stats, rate windows, credits spent and one-shot triggers
// Errors use the house shape { error: { code, message } }.
import { ConfigError } from "./config";
import { json, parseJsonObject, type ReplicaRequest, type ReplicaResponse } from "./http";

export const CONTROL_PREFIX = "/__replica/";

export interface Controllable {
  config(): unknown;
  configure(patch: unknown): void;
  stats(): unknown;
  reset(): void;
}

export function handleControl(req: ReplicaRequest, target: Controllable): ReplicaResponse {
  const route = `${req.method} ${req.path}`;
  switch (route) {
    case "GET /__replica/health":
      return json(200, { ok: true });
    case "GET /__replica/config":
      return json(200, target.config());
    case "POST /__replica/config": {
      const patch = parseJsonObject(req.body);
      if (!patch) return json(400, { error: { code: "invalid_json", message: "the body must be a JSON object" } });
      try {
        target.configure(patch);
      } catch (err) {
        if (err instanceof ConfigError) return json(400, { error: { code: "invalid_config", message: err.message } });
        throw err;
      }
      return json(200, target.config());
    }
    case "GET /__replica/stats":
      return json(200, target.stats());
    case "POST /__replica/reset":
      target.reset();
      return json(200, { ok: true });
    default:
      return json(404, { error: { code: "not_found", message: `no control endpoint ${route}` } });
  }
}
