// The failure classes every adapter maps its network's errors to. The delivery engine decides what
// each means for the queue item and the job; adapters only classify.
export type FailureKind =
  /** network down, timeout, 5xx, an unknown temporary error: back off, then WAITING_FOR_RETRY */
  | 'external'
  /** the network asked us to slow down: wait `waitMs`, then try again */
  | 'throttled'
  /** bad or expired credentials: the job FAILS in the sync layer and offers Retry */
  | 'auth'
  /** the whole batch was refused because of something in it: split it to find the bad records */
  | 'batchRejected'
  /** the audience is gone on the network's side: recreate it once */
  | 'audienceMissing'
  /** a refusal that will not change by resending: the item FAILS */
  | 'permanent';

export class DeliveryError extends Error {
  readonly kind: FailureKind;
  readonly waitMs: number | null;
  constructor(kind: FailureKind, message: string, options: { waitMs?: number | null } = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.kind = kind;
    this.waitMs = options.waitMs ?? null;
  }
}

export const isDeliveryError = (error: unknown): error is DeliveryError => error instanceof DeliveryError;
