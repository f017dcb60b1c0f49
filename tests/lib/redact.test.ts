import { expect, test } from "vitest";
import { redactCredentials } from "@/lib/providers/redact";

test("credentials a provider quotes are redacted; ordinary words are left alone", () => {
  const cases: [string, string][] = [
    ["Incorrect API key provided: sk-*********0000.", "Incorrect API key provided: [redacted]."],
    ["Invalid key sk-proj-AbC123_xyz given", "Invalid key [redacted] given"],
    ["Authorization: Bearer abc.def-123 was refused", "Authorization: Bearer [redacted] was refused"],
    [
      "GET /v2/email-finder?domain=x.io&api_key=s3cr3t&full_name=Ada → 401",
      "GET /v2/email-finder?domain=x.io&api_key=[redacted]&full_name=Ada → 401",
    ],
    ['{"x-api-key": "abc123"}', '{"x-api-key": "[redacted]"}'],
    ["key ****ab12 has expired", "key [redacted] has expired"],
    ["glz_AbCdEf0123 is not a key of this API", "[redacted] is not a key of this API"],
  ];
  for (const [text, redacted] of cases) expect(redactCredentials(text)).toBe(redacted);
  for (const plain of ["Unrecognized key: domain", "No value found for person", "token limit reached (4096 tokens)"])
    expect(redactCredentials(plain)).toBe(plain);
  // The exact credentials a call used, wherever they appear.
  expect(redactCredentials("upstream said: bad token hunter-KEY-42 for you", ["hunter-KEY-42"])).toBe(
    "upstream said: bad token [redacted] for you",
  );
});
