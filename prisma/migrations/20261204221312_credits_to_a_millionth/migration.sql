-- Credits are exact to a millionth (lib/costs/credits.ts): budgets summed before that carry
-- binary rounding errors (1041.2999999999988); they are rounded once. The ledger's rows are
-- rounded when they are summed.
UPDATE "credit_budgets"
   SET "spent" = round("spent"::numeric, 6)::float8, "reserved" = round("reserved"::numeric, 6)::float8;
