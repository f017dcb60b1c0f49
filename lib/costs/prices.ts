import { readOwn } from "../json";
import { ADAPTER_IDS, type AdapterInfo, adapterInfo, CATALOG } from "../providers/catalog";

// The price catalogue: what one call of each provider costs in credits, by default and as a
// workspace overrides it, and the one rule that turns a call's outcome into its charge.
// Credits are the providers' own units for Hunter, People Data Labs and Apollo (1 per
// billed result); an LLM call counts as 1 credit (its real price is per token); the HTTP
// provider costs nothing unless the workspace prices it. Pure: the browser imports it too.

export type Price = {
  /** Charged for every call the provider answered (rate-limited and failed calls excluded). */
  creditsPerCall: number;
  /** Charged when the provider bills the answer (a found result, as each provider documents). */
  creditsPerFound: number;
};

export type PriceOverrides = Record<string, Partial<Price>>;

/** The documented default price of an adapter (catalog.ts). */
export function defaultPrice(info: AdapterInfo): Price {
  if (info.price.unit === "credit") return { creditsPerCall: 0, creditsPerFound: 1 };
  if (info.price.unit === "token") return { creditsPerCall: 1, creditsPerFound: 0 };
  return { creditsPerCall: 0, creditsPerFound: 0 };
}

/** The price of `provider` in a workspace with `overrides`; unknown providers cost nothing. */
export function priceOf(provider: string, overrides: PriceOverrides): Price {
  const info = adapterInfo(provider);
  const base = info ? defaultPrice(info) : { creditsPerCall: 0, creditsPerFound: 0 };
  const own = readOwn(overrides, provider) as Partial<Price> | undefined;
  return {
    creditsPerCall: own?.creditsPerCall ?? base.creditsPerCall,
    creditsPerFound: own?.creditsPerFound ?? base.creditsPerFound,
  };
}

/** The most a call can cost: what a reservation holds before it is made. */
export const worstCase = (price: Price) => price.creditsPerCall + price.creditsPerFound;

/**
 * Outcomes of a call the provider answered (so a per-call price applies). A refusal of the
 * request (bad_input: a 4xx such as 400 or 422) is a failed call: providers do not bill it.
 */
const ANSWERED = new Set(["found", "not_found"]);

/**
 * What a call cost: the per-call price when the provider answered, plus the per-found price
 * when it billed the answer (`billedUnits` > 0: the adapter's own reading of the provider's
 * billing, e.g. PDL bills a match even when the asked-for field is missing). Not found,
 * unbilled, refused (bad input), rate-limited, failed and cached calls cost nothing more.
 */
export function chargeOf(price: Price, call: { outcome: string; billedUnits: number }): number {
  const answered = ANSWERED.has(call.outcome) ? price.creditsPerCall : 0;
  const billed = call.outcome === "found" || call.billedUnits > 0 ? price.creditsPerFound : 0;
  return answered + billed;
}

export type PriceDto = Price & { provider: string; name: string; overridden: boolean; default: Price };

/** Every adapter's price in a workspace (GET /api/workspace/prices). */
export function priceList(overrides: PriceOverrides): PriceDto[] {
  return (CATALOG as readonly AdapterInfo[]).map((info) => ({
    provider: info.id,
    name: info.name,
    ...priceOf(info.id, overrides),
    overridden: Object.hasOwn(overrides, info.id),
    default: defaultPrice(info),
  }));
}

export const isAdapterId = (id: string) => (ADAPTER_IDS as string[]).includes(id);
