// A PDL person record (docs: output-response-person-enrichment-api, Person Schema).
// PDL lowercases values unless titlecase=true; "any fields in the profile record that do
// not contain any data will have a null value" (or an empty array for list fields).
import { pdlHasWorkEmail } from "../population/coverage";
import { titleCase } from "../population/normalize";
import type { Person } from "../population/person";
import { Draw } from "../random";

export type PdlRecord = Record<string, unknown>;

function sizeBucket(employees: number): string {
  const buckets: [number, string][] = [
    [10, "1-10"],
    [50, "11-50"],
    [200, "51-200"],
    [500, "201-500"],
    [1000, "501-1000"],
    [5000, "1001-5000"],
    [10000, "5001-10000"],
  ];
  return buckets.find(([max]) => employees <= max)?.[1] ?? "10001+";
}

export function pdlRecord(person: Person): PdlRecord {
  const draw = new Draw(`pdl-record|${person.key}`);
  const lower = (text: string) => text.toLowerCase();
  const { company, place, role } = person;
  const workEmail = pdlHasWorkEmail(person) ? person.email : null;
  const locationName = lower(`${place.city}, ${place.state}, ${place.country}`);
  const linkedinId = String(draw.int(10_000_000, 999_999_999));
  const companyRecord = {
    name: lower(company.name),
    size: sizeBucket(company.employees),
    id: company.pdlId,
    founded: company.foundedYear,
    industry: company.industry,
    linkedin_url: `linkedin.com/company/${company.linkedinSlug}`,
    website: company.domain,
  };
  return {
    id: person.pdlId,
    full_name: lower(person.fullName),
    first_name: lower(person.firstName),
    middle_initial: null,
    middle_name: null,
    last_initial: lower(person.lastName.slice(0, 1)),
    last_name: lower(person.lastName),
    sex: null,
    birth_year: null,
    birth_date: null,
    linkedin_url: `linkedin.com/in/${person.linkedinSlug}`,
    linkedin_username: person.linkedinSlug,
    linkedin_id: linkedinId,
    facebook_url: null,
    facebook_username: null,
    facebook_id: null,
    twitter_url: person.twitter ? `twitter.com/${person.twitter}` : null,
    twitter_username: person.twitter,
    github_url: null,
    github_username: null,
    work_email: workEmail,
    personal_emails: [],
    recommended_personal_email: null,
    mobile_phone: null,
    phone_numbers: [],
    emails: workEmail ? [{ address: workEmail, type: "professional" }] : [],
    industry: company.industry,
    job_title: lower(role.title),
    job_title_role: role.role,
    job_title_sub_role: null,
    job_title_levels: role.levels,
    job_company_id: company.pdlId,
    job_company_name: companyRecord.name,
    job_company_website: company.domain,
    job_company_size: companyRecord.size,
    job_company_founded: company.foundedYear,
    job_company_industry: company.industry,
    job_company_linkedin_url: companyRecord.linkedin_url,
    job_start_date: person.startDate,
    location_name: locationName,
    location_locality: lower(place.city),
    location_region: lower(place.state),
    location_country: lower(place.country),
    location_continent: place.continent,
    location_names: [locationName],
    countries: [lower(place.country)],
    interests: [],
    skills: [],
    experience: [
      {
        company: companyRecord,
        start_date: person.startDate,
        end_date: null,
        title: { name: lower(role.title), role: role.role, sub_role: null, levels: role.levels },
        is_primary: true,
      },
    ],
    education: [],
    profiles: [
      {
        network: "linkedin",
        id: linkedinId,
        url: `linkedin.com/in/${person.linkedinSlug}`,
        username: person.linkedinSlug,
      },
      ...(person.twitter
        ? [{ network: "twitter", id: null, url: `twitter.com/${person.twitter}`, username: person.twitter }]
        : []),
    ],
  };
}

const TITLECASED = [
  "full_name",
  "first_name",
  "last_name",
  "last_initial",
  "job_title",
  "job_company_name",
  "location_name",
  "location_locality",
  "location_region",
  "location_country",
];

/** titlecase=true: names, titles, company and places capitalized; emails, URLs, ids untouched. */
export function titlecased(record: PdlRecord): PdlRecord {
  const out = { ...record };
  for (const field of TITLECASED) {
    const value = out[field];
    if (typeof value === "string") out[field] = titleCase(value);
  }
  return out;
}

/** data_include: a comma list of fields to keep, or of `-field`s to drop. */
export function includeFields(record: PdlRecord, spec: string): PdlRecord {
  const fields = spec
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.length === 0) return record;
  if (fields.every((field) => field.startsWith("-"))) {
    const drop = new Set(fields.map((field) => field.slice(1)));
    return Object.fromEntries(Object.entries(record).filter(([name]) => !drop.has(name)));
  }
  return Object.fromEntries(Object.entries(record).filter(([name]) => fields.includes(name)));
}

/** Whether the record has data in `field` (for the `required` parameter). */
export function hasData(record: PdlRecord, field: string): boolean {
  const value = Object.hasOwn(record, field) ? record[field] : undefined;
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined && value !== "";
}
