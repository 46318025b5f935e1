/** Errors of rule handling; the API maps `RuleError` to 400 and `RuleConflictError` to 409. */

/** A rule (or a rules file) is invalid. The message says what is wrong and where. */
export class RuleError extends Error {
  /**
   * Path of the offending field inside the rule body (e.g. `['silences', 0, 'until']`), when known:
   * the file loader turns it into a line number.
   */
  readonly field: readonly (string | number)[] | undefined;

  constructor(message: string, field?: readonly (string | number)[]) {
    super(message);
    this.name = 'RuleError';
    this.field = field;
  }
}

/** An API change targets a rule that lives in the rules file (read-only through the API). */
export class RuleConflictError extends Error {
  constructor(readonly ruleId: string) {
    super(`rule ${ruleId} comes from the rules file and cannot be changed through the API; edit the file instead`);
    this.name = 'RuleConflictError';
  }
}
