import { expect, test } from "vitest";
import { chargeOf } from "@/lib/costs/prices";

// The one rule that turns a call's outcome into its charge (README, "Prices").
const price = { creditsPerCall: 1, creditsPerFound: 2 };

test("answered calls pay the per-call price, found or billed ones the per-found price too", () => {
  expect(chargeOf(price, { outcome: "found", billedUnits: 1 })).toBe(3);
  expect(chargeOf(price, { outcome: "not_found", billedUnits: 0 })).toBe(1);
  // PDL bills a match without the asked-for field.
  expect(chargeOf(price, { outcome: "not_found", billedUnits: 1 })).toBe(3);
});

test("refused (a 4xx: bad input), rate-limited, failed and unauthorized calls cost nothing", () => {
  for (const outcome of ["bad_input", "rate_limited", "transient", "unauthorized", "out_of_credits"]) {
    expect(chargeOf(price, { outcome, billedUnits: 0 }), outcome).toBe(0);
  }
});
