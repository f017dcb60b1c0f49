import { z } from "zod";
import { VENDORS } from "./types";

// Request schemas of the providers API. Error messages never repeat the key they refuse.

export const vendorParam = z.enum(VENDORS);

const secretName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be 1-63 characters: a-z, 0-9, _ and -")
  .describe("The secret's name, referenced as {{secret:name}} in an HTTP column's headers");

export const putCredentialSchema = z.strictObject({
  apiKey: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(1000, "must be at most 1000 characters")
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .describe("The provider's API key (stored encrypted; only its last 4 characters are ever shown)"),
  name: secretName.optional().describe("HTTP provider only: which secret"),
});
export type PutCredentialInput = z.output<typeof putCredentialSchema>;

export const credentialQuery = z.strictObject({ name: secretName.optional() });
