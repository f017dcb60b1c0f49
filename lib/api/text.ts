import { z } from "zod";

// Postgres text and jsonb cannot store U+0000, so a string holding it would fail the write
// with a database error (a 500) instead of being rejected as invalid input (a 422).
export const storableString = () =>
  z.string().refine((value) => !value.includes("\u0000"), "must not contain the NUL character (U+0000)");
