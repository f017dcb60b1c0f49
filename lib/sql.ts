// Parameters of a statement built from parts: every value a user gave becomes a numbered
// parameter ($1, $2, …) and only fixed SQL text is ever concatenated. Pure, no driver.

export class SqlParams {
  readonly values: unknown[];

  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }

  /** Adds `value` and returns its placeholder, with a cast when given (e.g. "text", "uuid[]"). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
