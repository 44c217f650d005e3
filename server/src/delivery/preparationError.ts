// Thrown where a job cannot be prepared (its destination or segment is gone, credentials cannot be
// opened): the pipeline fails the job in the PREPARATION layer instead of retrying.
/** A refusal found before any destination call: the job fails in the PREPARATION layer. */
export class PreparationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreparationError';
  }
}
