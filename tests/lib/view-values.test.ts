import { expect, test } from "vitest";
import { getPool } from "@/lib/db";
import { escapeLike, searchPattern, usesTrigrams } from "@/lib/views/like";
import { parseDate, parseNumber } from "@/lib/views/values";

// The filter's value parsing (lib/views/values.ts) and the database's reading of stored values
// (glaze_to_number, glaze_parse_timestamp in the views migration) must agree on every sample.

const NUMBERS = [
  "5",
  " 5 ",
  "-1.5",
  "+.5",
  "1e3",
  "1E-3",
  "1e999",
  "1e1000",
  "12abc",
  "",
  " ",
  "1 000",
  "0x10",
  "5.",
  ".",
  "١٢",
];
const DATES = [
  "2024-05-01",
  "2024-02-29",
  "2023-02-29",
  "2024-04-31",
  "2024-13-01",
  "0000-01-01",
  "2024-05-01T10:30",
  "2024-05-01 10:30:15.123456",
  "2024-05-01T10:30:15.1234567",
  "2024-05-01T24:00",
  "2024-05-01T10:60",
  "2024-05-01T10:30:00Z",
  "2024-05-01T10:30:00+05:30",
  "2024-05-01T10:30:00-0800",
  "2024-05-01T10:30:00+24:00",
  "2024-05-01T10:30+15:59",
  "2024-05-01T10:30-1559",
  "2024-05-01T10:30+16:00",
  "2024-05-01T10:30-1600",
  "2024-05-01T10:30+23:59",
  "2024-05-01Z",
  " 2024-05-01 ",
  "2024-5-1",
  "May 1, 2024",
];

test("a number filter value parses exactly when glaze_to_number reads the same stored text", async () => {
  const { rows } = await getPool().query<{ v: string; n: string | null }>(
    "SELECT v, glaze_to_number(to_jsonb(v))::text AS n FROM unnest($1::text[]) AS v",
    [NUMBERS],
  );
  for (const { v, n } of rows) expect(parseNumber(v) !== null, JSON.stringify(v)).toBe(n !== null);
});

test("a date filter value parses exactly when glaze_parse_timestamp reads the same stored text", async () => {
  const { rows } = await getPool().query<{ v: string; t: string | null }>(
    "SELECT v, glaze_parse_timestamp(v)::text AS t FROM unnest($1::text[]) AS v",
    [DATES],
  );
  for (const { v, t } of rows) expect(parseDate(v) !== null, JSON.stringify(v)).toBe(t !== null);
  expect(parseDate("2024-05-01")?.wholeDay).toBe(true);
  expect(parseDate("2024-05-01T00:00Z")?.wholeDay).toBe(false);
});

test("LIKE patterns match what was typed literally; a search pattern is a contains pattern of the values' text", () => {
  expect(escapeLike("100%_\\")).toBe("100\\%\\_\\\\");
  expect(searchPattern('say "hi"')).toBe('%say "hi"%');
  expect(usesTrigrams("ab")).toBe(false);
  expect(usesTrigrams("a b c")).toBe(false);
  expect(usesTrigrams("Zoë")).toBe(true);
});
