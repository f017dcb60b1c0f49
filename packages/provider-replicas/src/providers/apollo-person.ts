// Apollo's person object as the official OpenAPI example of People Enrichment shows it
// (plus personal_emails / phone_numbers from the old docs' example). A person whose email
// is not unlocked carries Apollo's placeholder instead of an address.
import type { Person } from "../population/person";

export const LOCKED_EMAIL = "email_not_unlocked@domain.com";

export function apolloPerson(
  person: Person,
  options: { locked: boolean; acceptAll: boolean },
): Record<string, unknown> {
  const { company, place, role } = person;
  const organization = {
    id: company.apolloId,
    name: company.name,
    website_url: `http://www.${company.domain}`,
    blog_url: null,
    angellist_url: null,
    linkedin_url: `http://www.linkedin.com/company/${company.linkedinSlug}`,
    twitter_url: null,
    facebook_url: null,
    phone: null,
    founded_year: company.foundedYear,
    logo_url: null,
    primary_domain: company.domain,
    industry: company.industry,
    estimated_num_employees: company.employees,
    keywords: [],
  };
  return {
    id: person.apolloId,
    first_name: person.firstName,
    last_name: person.lastName,
    name: person.fullName,
    linkedin_url: `http://www.linkedin.com/in/${person.linkedinSlug}`,
    title: role.title,
    // The placeholder goes with "unavailable" in third-party clients; accept-all domains
    // cannot be verified, hence "guessed" (inferred).
    email_status: options.locked ? "unavailable" : options.acceptAll ? "guessed" : "verified",
    photo_url: null,
    twitter_url: person.twitter ? `https://twitter.com/${person.twitter}` : null,
    github_url: null,
    facebook_url: null,
    extrapolated_email_confidence: null,
    headline: `${role.title} at ${company.name}`,
    email: options.locked ? LOCKED_EMAIL : person.email,
    organization_id: company.apolloId,
    employment_history: [
      {
        id: person.apolloId.split("").reverse().join(""),
        current: true,
        organization_id: company.apolloId,
        organization_name: company.name,
        title: role.title,
        start_date: `${person.startDate}-01`,
        end_date: null,
      },
    ],
    state: place.state,
    city: place.city,
    country: place.country,
    organization,
    departments: [role.department],
    subdepartments: [],
    seniority: role.seniority,
    functions: [],
    personal_emails: [],
    phone_numbers: [],
    revealed_for_current_team: !options.locked,
  };
}
