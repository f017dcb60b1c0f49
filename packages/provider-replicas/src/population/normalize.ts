// One spelling per person and per company, whatever the caller sent: the population is
// keyed on these, so "José", "jose " and "JOSE" are one person and "https://www.Acme.com/"
// and "acme.com" one company.

/** Lowercase ASCII, accents removed, inner whitespace collapsed. */
export function normalizeName(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim()
    .replace(/\s+/g, " ");
}

/** The letters of a name, as an email local part uses them ("o'brien-smith" → "obriensmith"). */
export function emailLetters(name: string): string {
  return normalizeName(name).replace(/[^a-z0-9]/g, "");
}

/** A bare host name, or null when `raw` does not look like one. */
export function normalizeDomain(raw: string): string | null {
  let host = raw.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/^www\./, "");
  host = host.split(/[/?#]/)[0] ?? "";
  host = host.replace(/:\d+$/, "").replace(/\.$/, "");
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(host) ? host : null;
}

const LEGAL_SUFFIXES = /\b(inc|incorporated|llc|ltd|limited|gmbh|corp|corporation|co|company|sa|ag|plc)\b\.?/g;

/**
 * The domain the population files a company under. A company given by name maps to
 * `<name letters>.com`, so "Acme, Inc." and "acme.com" are the same company; a LinkedIn
 * company URL maps through its slug.
 */
export function companyDomain(raw: string): string | null {
  const value = raw.trim();
  if (value === "") return null;
  const linkedin = /linkedin\.com\/company\/([^/?#]+)/i.exec(value);
  if (linkedin?.[1]) return `${emailLetters(decodeURIComponent(linkedin[1]))}.com`;
  if (!/\s/.test(value) && value.includes(".")) return normalizeDomain(value);
  const letters = emailLetters(normalizeName(value).replace(LEGAL_SUFFIXES, ""));
  return letters === "" ? null : `${letters}.com`;
}

/** "mary-jane o'neil" → "Mary-Jane O'Neil". */
export function titleCase(text: string): string {
  return text.replace(/(^|[\s\-'’./(])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** "acme-robotics.co.uk" → "Acme Robotics". */
export function companyNameFor(domain: string): string {
  const label = domain.split(".")[0] ?? domain;
  return titleCase(label.replace(/-/g, " "));
}
