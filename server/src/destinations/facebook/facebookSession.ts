// Custom Audience upload sessions: the session id is chosen by us (an int64). Deriving it from the
// queue item's idempotency key means a resend of the same records continues the same session
// instead of starting a second upload Meta would count separately.
import { createHash } from 'node:crypto';

/** A positive integer below 2^53 (exact in JSON numbers), stable for one idempotency key. */
export function sessionIdFor(idempotencyKey: string): number {
  const digest = createHash('sha256').update(`paidsync-facebook-session:${idempotencyKey}`).digest();
  // 52 bits, +1 so it is never 0
  return digest.readUIntBE(0, 6) * 16 + (digest[6]! >> 4) + 1;
}
