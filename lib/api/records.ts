import { z } from "zod";

/**
 * `schema` (a record keyed by what a user sends) that refuses a "__proto__" key by name.
 * JSON.parse keeps such a key as an own property, but zod's records leave it out of their
 * output, so it would vanish without an error. Typed as `schema` is, in and out. Pure.
 */
export function refusingProtoKey<S extends z.ZodType>(schema: S, message: string): z.ZodType<z.output<S>, z.input<S>> {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (value !== null && typeof value === "object" && Object.hasOwn(value, "__proto__"))
        ctx.addIssue({ code: "custom", path: ["__proto__"], message });
    })
    .pipe(schema) as unknown as z.ZodType<z.output<S>, z.input<S>>;
}
