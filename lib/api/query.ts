import { z } from "zod";

/**
 * A decimal integer in a query string, written plainly: digits only, no sign, hex, exponent,
 * spaces or "+" (z.coerce.number() would read "0x10" as 16 and " 1" as 1), within bounds.
 */
export const queryInt = ({ min, max }: { min: number; max: number }) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number written with digits only")
    .refine((text) => text.length <= 16, `must be at most ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Pages and offsets stay far below what Postgres and Prisma take for OFFSET (32-bit). */
export const MAX_PAGE = 1_000_000;
export const MAX_OFFSET = 1_000_000_000;
