// @glaze/provider-replicas: local HTTP replicas of Hunter, People Data Labs, Apollo and an
// OpenAI-compatible LLM, for tests, benchmarks and offline development. See README.md.
export {
  type ApolloConfig,
  type CommonConfig,
  ConfigError,
  DEFAULT_KEYS,
  defaultConfig,
  type FaultRule,
  type HunterConfig,
  type LlmConfig,
  type PdlConfig,
  PROVIDERS,
  type ProviderName,
  type ReplicasConfig,
  type ReplicasConfigPatch,
} from "./config";
export { CONTROL_PREFIX } from "./control";
export { LLM_TRIGGERS } from "./llm/answer";
export { isFound } from "./population/coverage";
export { TRIGGER_DOMAINS, TRIGGER_LAST_NAMES } from "./population/edge-cases";
export { type Person, personByEmail, personFor } from "./population/person";
export { LOCKED_EMAIL } from "./providers/apollo-person";
export { HUNTER_TEST_KEY } from "./providers/hunter";
export { type Replicas, type StartOptions, startReplica, startReplicas } from "./server";
export type { EndpointStats, ProviderStats } from "./stats";
