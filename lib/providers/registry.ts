import "server-only";
import type { Adapter } from "./adapter";
import { apolloPeopleMatch } from "./adapters/apollo";
import { httpProvider } from "./adapters/http";
import { hunterEmailFinder } from "./adapters/hunter";
import { llmFallback } from "./adapters/llm";
import { pdlPerson } from "./adapters/pdl";

/** Every adapter, in the order the catalog lists them. */
export const ADAPTERS: readonly Adapter[] = [
  hunterEmailFinder,
  pdlPerson,
  apolloPeopleMatch,
  httpProvider,
  llmFallback,
];

export function adapterById(id: string): Adapter | undefined {
  return ADAPTERS.find((a) => a.id === id);
}
