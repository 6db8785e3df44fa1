/** A planning failure: which environment, what went wrong, and Terraform's own words when it spoke. */
export class PlanError extends Error {
  constructor(
    readonly environment: string,
    readonly reason: string,
  ) {
    super(`[${environment}] ${reason}`);
    this.name = 'PlanError';
  }
}
