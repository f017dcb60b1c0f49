import { pick, stableUnit } from "./stable-hash";

// Deterministic fake data for demos and tests. The first rule whose word the column key
// contains (case-insensitive) wins, in this order.
const COMPANIES = ["Fake Corp", "Demo Inc", "Sample LLC", "Placeholder Ltd", "Example Co", "Mock Industries"];
const TITLES = ["Fake CEO", "Demo Manager", "Sample Engineer", "Placeholder VP", "Example Director", "Mock Analyst"];
const LOCATIONS = [
  "San Francisco, CA",
  "New York, NY",
  "London, UK",
  "Berlin, Germany",
  "Austin, TX",
  "Toronto, Canada",
];
const INDUSTRIES = ["Technology", "Finance", "Healthcare", "Retail", "Manufacturing", "Education"];

type Rule = { match: string; source: string; value: (rowId: string, key: string) => string | number };

const RULES: Rule[] = [
  { match: "email", source: "fake-email-finder", value: (rowId) => `fake_${rowId}@example.com` },
  { match: "company", source: "fake-company-db", value: (rowId, key) => pick(COMPANIES, rowId, key) },
  { match: "title", source: "fake-people-db", value: (rowId, key) => pick(TITLES, rowId, key) },
  { match: "bio", source: "fake-bio-writer", value: (rowId) => `This is a fake bio for row ${rowId}...` },
  {
    match: "phone",
    source: "fake-phone-lookup",
    value: (rowId, key) => `+1-555-${String(Math.floor(stableUnit(rowId, key) * 10_000)).padStart(4, "0")}`,
  },
  { match: "linkedin", source: "fake-social-graph", value: (rowId) => `https://linkedin.com/in/fake-user-${rowId}` },
  { match: "location", source: "fake-geo", value: (rowId, key) => pick(LOCATIONS, rowId, key) },
  { match: "industry", source: "fake-company-db", value: (rowId, key) => pick(INDUSTRIES, rowId, key) },
  {
    match: "employee",
    source: "fake-company-db",
    value: (rowId, key) => 50 + Math.floor(stableUnit(rowId, key) * 4951),
  },
  {
    match: "revenue",
    source: "fake-financials",
    value: (rowId, key) => `$${1 + Math.floor(stableUnit(rowId, key) * 500)}M`,
  },
];

export function demoValue(rowId: string, columnKey: string): { value: string | number; source: string } {
  const key = columnKey.toLowerCase();
  const rule = RULES.find((r) => key.includes(r.match));
  if (!rule) return { value: `Enriched: ${columnKey} (${rowId})`, source: "fake-generic" };
  return { value: rule.value(rowId, columnKey), source: rule.source };
}

/** Confidence in [0.6, 0.99], stable per cell. */
export function demoConfidence(rowId: string, columnKey: string): number {
  return Math.round((0.6 + stableUnit("confidence", rowId, columnKey) * 0.39) * 100) / 100;
}
