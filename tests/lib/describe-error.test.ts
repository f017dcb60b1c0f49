import { describe, expect, test } from "vitest";
import { ApiError, describeError } from "@/lib/client/http";

// What the grid's toasts say for an API error: the message and the first field problems, in words.

describe("describeError", () => {
  test("a CSV header's cell is named by its column, counted from 1, and not twice", () => {
    const error = new ApiError(422, "validation_failed", "The CSV does not fit a table", [
      { path: "header.2", message: "column 3 has no name" },
      { path: "header.0", message: 'no column matches "Emial"' },
    ]);
    expect(describeError(error)).toBe(
      'The CSV does not fit a table: header: column 3 has no name; header column 1: no column matches "Emial"',
    );
  });

  test("other paths stay field names; the root and a fourth problem are summarised", () => {
    const error = new ApiError(422, "validation_failed", "The request body is invalid", [
      { path: "name", message: "Too small" },
      { path: "(root)", message: "Unknown key" },
      { path: "scopes", message: "give at least one scope" },
      { path: "x", message: "y" },
    ]);
    expect(describeError(error)).toBe(
      "The request body is invalid: name: Too small; Unknown key; scopes: give at least one scope (and 1 more)",
    );
  });
});
