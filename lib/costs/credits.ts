// Credits are exact to a millionth. They are stored as float8, so every amount written and
// every sum read is rounded to six decimals (in SQL through numeric, which adds the stored
// values exactly): 0.1 + 0.1 + 0.1 is 0.3, not 0.30000000000000004, a job's creditsSpent
// never reads above its maxCredits by a rounding error, and the budget and usage endpoints
// agree to the last digit. Prices and limits finer than a millionth are refused (schemas.ts).

/** SQL: `expr` (credits) rounded to a millionth, as float8. */
export const sqlCredits = (expr: string) => `round((${expr})::numeric, 6)::float8`;

/** SQL: the sum of credit column `expr`, exact, rounded to a millionth. */
export const sqlSumCredits = (expr: string) => `round(sum((${expr})::numeric), 6)::float8`;

/** `n` credits rounded to a millionth (for amounts computed in JavaScript). */
export const roundCredits = (n: number) => Math.round(n * 1e6) / 1e6;
