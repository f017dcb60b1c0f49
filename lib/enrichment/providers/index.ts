import "server-only";
import { demoProvider } from "./demo";
import type { Provider, ProviderInput } from "./types";

export * from "./types";

// The provider of columns without a recipe: the deterministic demo provider. Columns with a
// recipe run its provider waterfall instead (lib/enrichment/waterfall, lib/providers).
export function providerFor(_column: ProviderInput["column"]): Provider {
  return demoProvider;
}
