import { expect, test } from "vitest";
import { toCellValue } from "@/lib/client/cell-value";
import type { ColumnDto } from "@/lib/client/fetchers";

const column = (dataType: ColumnDto["dataType"]): ColumnDto => ({
  id: "c",
  tableId: "t",
  key: "k",
  label: "K",
  dataType,
  order: 0,
  recipe: null,
  createdAt: "",
  updatedAt: "",
});

test("typed into a number column: numbers, also with thousands separators, are stored as numbers", () => {
  const number = column("number");
  expect(toCellValue("42", number)).toBe(42);
  expect(toCellValue(" -1.5 ", number)).toBe(-1.5);
  expect(toCellValue("1,234", number)).toBe(1234);
  expect(toCellValue("-12,345.25", number)).toBe(-12345.25);
  expect(toCellValue("2e3", number)).toBe(2000);
  // Not numbers: kept as typed (the grid marks them), never guessed.
  expect(toCellValue("12,5", number)).toBe("12,5");
  expect(toCellValue("0x10", number)).toBe("0x10");
  expect(toCellValue("1e999", number)).toBe("1e999");
  expect(toCellValue("12x", number)).toBe("12x");
  expect(toCellValue("  ", number)).toBeNull();
});

test("booleans in boolean columns; text columns keep the text", () => {
  expect(toCellValue("TRUE", column("boolean"))).toBe(true);
  expect(toCellValue("no", column("boolean"))).toBe("no");
  expect(toCellValue("1,234", column("text"))).toBe("1,234");
});
