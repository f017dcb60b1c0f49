import { z } from "zod";

/**
 * `schema` (a record) that refuses a "__proto__" key by name. JSON.parse keeps such a key as an
 * own property, but zod's record leaves it out of its output, so it would vanish without an error.
 */
export function refusingProtoKey<S extends z.ZodType>(schema: S, message: string) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (value !== null && typeof value === "object" && Object.hasOwn(value, "__proto__"))
        ctx.addIssue({ code: "custom", path: ["__proto__"], message });
    })
    .pipe(schema);
}
