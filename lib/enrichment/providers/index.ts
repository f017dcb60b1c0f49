import "server-only";
import { fakeProvider } from "./fake";
import type { Provider, ProviderInput } from "./types";

export * from "./types";

// Which provider enriches a column. Every column uses the deterministic fake provider today;
// a real provider is a drop-in: implement Provider and return it here for its columns.
export function providerFor(_column: ProviderInput["column"]): Provider {
  return fakeProvider;
}
