// The small vocabularies the synthetic population draws from. Apollo's seniority and
// department values and PDL's job_title_role / job_title_levels are the providers'
// documented enumerations; the titles themselves are ordinary B2B titles.

export interface Role {
  title: string;
  /** Apollo `seniority`. */
  seniority: string;
  /** Apollo `departments`. */
  department: string;
  /** PDL `job_title_role`. */
  role: string;
  /** PDL `job_title_levels`. */
  levels: string[];
}

export const ROLES: readonly (readonly [Role, number])[] = [
  [
    {
      title: "Chief Executive Officer",
      seniority: "c_suite",
      department: "c_suite",
      role: "operations",
      levels: ["cxo"],
    },
    3,
  ],
  [{ title: "Co-Founder", seniority: "founder", department: "c_suite", role: "operations", levels: ["owner"] }, 2],
  [
    {
      title: "Chief Technology Officer",
      seniority: "c_suite",
      department: "c_suite",
      role: "engineering",
      levels: ["cxo"],
    },
    2,
  ],
  [{ title: "VP of Sales", seniority: "vp", department: "sales", role: "sales", levels: ["vp"] }, 3],
  [
    {
      title: "VP of Engineering",
      seniority: "vp",
      department: "engineering_technical",
      role: "engineering",
      levels: ["vp"],
    },
    3,
  ],
  [
    { title: "Head of Marketing", seniority: "head", department: "marketing", role: "marketing", levels: ["director"] },
    3,
  ],
  [
    {
      title: "Director of Operations",
      seniority: "director",
      department: "operations",
      role: "operations",
      levels: ["director"],
    },
    4,
  ],
  [
    {
      title: "Engineering Manager",
      seniority: "manager",
      department: "engineering_technical",
      role: "engineering",
      levels: ["manager"],
    },
    6,
  ],
  [{ title: "Account Executive", seniority: "senior", department: "sales", role: "sales", levels: ["senior"] }, 8],
  [
    {
      title: "Sales Development Representative",
      seniority: "entry",
      department: "sales",
      role: "sales",
      levels: ["entry"],
    },
    6,
  ],
  [
    {
      title: "Senior Software Engineer",
      seniority: "senior",
      department: "engineering_technical",
      role: "engineering",
      levels: ["senior"],
    },
    10,
  ],
  [
    {
      title: "Software Engineer",
      seniority: "entry",
      department: "engineering_technical",
      role: "engineering",
      levels: [],
    },
    10,
  ],
  [
    {
      title: "Product Manager",
      seniority: "manager",
      department: "product_management",
      role: "operations",
      levels: ["manager"],
    },
    6,
  ],
  [{ title: "Product Designer", seniority: "senior", department: "design", role: "design", levels: ["senior"] }, 4],
  [
    {
      title: "Marketing Manager",
      seniority: "manager",
      department: "marketing",
      role: "marketing",
      levels: ["manager"],
    },
    5,
  ],
  [
    {
      title: "Customer Success Manager",
      seniority: "manager",
      department: "support",
      role: "customer_service",
      levels: ["manager"],
    },
    5,
  ],
  [{ title: "Data Analyst", seniority: "entry", department: "data_science", role: "analyst", levels: [] }, 4],
  [{ title: "Recruiter", seniority: "entry", department: "human_resources", role: "human_resources", levels: [] }, 3],
  [{ title: "Controller", seniority: "senior", department: "finance", role: "finance", levels: ["senior"] }, 2],
  [{ title: "General Counsel", seniority: "c_suite", department: "legal", role: "legal", levels: ["cxo"] }, 1],
];

export interface Place {
  city: string;
  state: string;
  country: string;
  continent: string;
}

export const PLACES: readonly Place[] = [
  { city: "San Francisco", state: "California", country: "United States", continent: "north america" },
  { city: "New York", state: "New York", country: "United States", continent: "north america" },
  { city: "Austin", state: "Texas", country: "United States", continent: "north america" },
  { city: "Chicago", state: "Illinois", country: "United States", continent: "north america" },
  { city: "Seattle", state: "Washington", country: "United States", continent: "north america" },
  { city: "Boston", state: "Massachusetts", country: "United States", continent: "north america" },
  { city: "Toronto", state: "Ontario", country: "Canada", continent: "north america" },
  { city: "London", state: "England", country: "United Kingdom", continent: "europe" },
  { city: "Berlin", state: "Berlin", country: "Germany", continent: "europe" },
  { city: "Paris", state: "Ile-de-France", country: "France", continent: "europe" },
  { city: "Amsterdam", state: "North Holland", country: "Netherlands", continent: "europe" },
  { city: "Sydney", state: "New South Wales", country: "Australia", continent: "oceania" },
];

export const INDUSTRIES: readonly string[] = [
  "computer software",
  "information technology & services",
  "internet",
  "financial services",
  "marketing & advertising",
  "hospital & health care",
  "retail",
  "staffing & recruiting",
  "management consulting",
  "logistics & supply chain",
];

/** How a company builds addresses; weights follow the usual share of each pattern. */
export type EmailPattern = "first.last" | "first" | "flast" | "firstlast" | "first_last" | "f.last" | "lastf";

export const EMAIL_PATTERNS: readonly (readonly [EmailPattern, number])[] = [
  ["first.last", 45],
  ["first", 15],
  ["flast", 15],
  ["firstlast", 8],
  ["first_last", 5],
  ["f.last", 7],
  ["lastf", 5],
];

export function localPart(pattern: EmailPattern, first: string, last: string): string {
  const f = first.slice(0, 1);
  switch (pattern) {
    case "first.last":
      return `${first}.${last}`;
    case "first":
      return first;
    case "flast":
      return `${f}${last}`;
    case "firstlast":
      return `${first}${last}`;
    case "first_last":
      return `${first}_${last}`;
    case "f.last":
      return `${f}.${last}`;
    case "lastf":
      return `${last}${f}`;
  }
}
