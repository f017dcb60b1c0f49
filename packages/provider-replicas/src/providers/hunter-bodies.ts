// Hunter's response bodies. The error envelope `{errors:[{id,code,details}]}` and the ids
// wrong_params, payment_required and too_many_requests are documented or copied from
// real responses; the ids marked "inferred" are ours (see README).
import type { ReplicaResponse } from "../http";
import { stableDate } from "../population/coverage";
import type { Person } from "../population/person";

export interface FinderParams {
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  domain: string | null;
  company: string | null;
  max_duration: number | null;
}

export function hunterError(
  status: number,
  id: string,
  details: string,
  headers?: Record<string, string>,
): ReplicaResponse {
  return { status, json: { errors: [{ id, code: status, details }] }, headers };
}

/** Bodies for the statuses a fault rule can inject, and the shared ones below. */
export function hunterErrorFor(status: number): ReplicaResponse {
  switch (status) {
    case 202:
      // Documented for the Email Verifier: "still in progress … make the same request again". Body inferred.
      return hunterError(
        202,
        "verification_in_progress",
        "The email verification is still in progress. Feel free to make the same request again as often as you want, it will only count as a single request until we return the response.",
      );
    case 400:
      return hunterError(400, "wrong_params", "A required parameter is missing or a supplied parameter is invalid.");
    case 401:
      return unauthorized();
    case 402:
      return paymentRequired();
    case 403:
      return forbidden();
    case 429:
      return hunterError(429, "too_many_requests", "You have reached the rate limit.", { "retry-after": "1" });
    case 451:
      return erased();
    default:
      // The docs: 5xx = "Something went wrong on Hunter's end." The id is inferred.
      return hunterError(status, "server_error", "Something went wrong on Hunter's end.");
  }
}

/** The id is taken from Hunter's own client test mock; the details are the docs' wording. */
export function unauthorized(): ReplicaResponse {
  return hunterError(401, "unauthorized", "No valid API key was provided.");
}

/** Hunter's current client: 403 = forbidden (`id: "forbidden"`), not retryable. */
export function forbidden(): ReplicaResponse {
  return hunterError(403, "forbidden", "You don't have access to this resource with this API key.");
}

/** "Hunter's actual 402 body, copied from validation.rb" (chatgpt-mcp tests). */
export function paymentRequired(): ReplicaResponse {
  return hunterError(
    402,
    "payment_required",
    "You have exhausted your plan's monthly request quota. Please log in to Hunter to upgrade your plan or purchase additional credits.",
  );
}

/** The docs convention's quota answer; the body is a real 2021 response. */
export function usageLimitReached(): ReplicaResponse {
  return hunterError(
    429,
    "too_many_requests",
    "You've reached the limit for the number of searches per billing period included in your plan.",
  );
}

/** 451 as the brief describes it (not in the stored docs); id and wording inferred. */
export function erased(): ReplicaResponse {
  return hunterError(
    451,
    "unavailable_for_legal_reasons",
    "The person behind the requested email address asked us to stop processing their personal data.",
  );
}

export function found(person: Person, score: number, acceptAll: boolean, params: FinderParams): unknown {
  const sourceCount = 1 + (score >= 70 ? 1 : 0) + (score >= 90 ? 1 : 0);
  const sources = Array.from({ length: sourceCount }, (_, i) => {
    // ISO dates compare as strings; a page is last seen no earlier than it was first extracted.
    const [extracted, seen] = [stableDate(`${person.key}|source|${i}`), stableDate(`${person.key}|seen|${i}`)].sort();
    return {
      domain: person.company.domain,
      uri: `http://${person.company.domain}/${["team", "about", "blog"][i]}`,
      extracted_on: extracted,
      last_seen_on: seen,
      still_on_page: i === 0,
    };
  });
  return {
    data: {
      first_name: person.firstName,
      last_name: person.lastName,
      email: person.email,
      score,
      domain: person.company.domain,
      accept_all: acceptAll,
      position: person.role.title,
      twitter: person.twitter,
      linkedin_url: `https://www.linkedin.com/in/${person.linkedinSlug}`,
      phone_number: null,
      company: person.company.name,
      sources,
      verification: {
        date: stableDate(`${person.key}|verified`),
        status: acceptAll ? "accept_all" : score >= 70 ? "valid" : "unknown",
      },
    },
    meta: { params },
  };
}

/** "Not found" is a 200 with every person field null (the jbuilder "miss" shape). */
export function notFound(domain: string | null, params: FinderParams): unknown {
  return {
    data: {
      first_name: null,
      last_name: null,
      email: null,
      score: null,
      domain,
      accept_all: null,
      position: null,
      twitter: null,
      linkedin_url: null,
      phone_number: null,
      company: null,
      sources: [],
      verification: { date: null, status: null },
    },
    meta: { params },
  };
}

/** What the documented `test-api-key` always answers: the docs' example, whatever was asked. */
export function testKeyAnswer(params: FinderParams): unknown {
  return {
    data: {
      first_name: "Alexis",
      last_name: "Ohanian",
      email: "alexis@reddit.com",
      score: 97,
      domain: "reddit.com",
      accept_all: false,
      position: "Cofounder",
      twitter: "alexisohanian",
      linkedin_url: "https://www.linkedin.com/in/alexisohanian",
      phone_number: null,
      company: "Reddit",
      sources: [
        {
          domain: "redditinc.com",
          uri: "http://redditinc.com/team",
          extracted_on: "2024-01-15",
          last_seen_on: "2024-06-01",
          still_on_page: true,
        },
      ],
      verification: { date: "2024-06-02", status: "valid" },
    },
    meta: { params },
  };
}
