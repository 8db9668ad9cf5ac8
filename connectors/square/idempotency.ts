import { createHash } from 'node:crypto';
import type { PartialFieldValues } from '../../core/model/customer';
import { canonicalJson } from '../../core/model/same-value';

/**
 * The idempotency key of a CreateCustomer, derived from what we create (and from the omnihub
 * customer when the caller names it): a sync that crashed after Square created the customer sends
 * the same values again, so Square replays the first answer instead of making a duplicate (Square
 * does not refuse duplicate emails or phones). `generation` starts a new key for the same values
 * when the record the old key made is gone. 42 characters, within every Square idempotency limit.
 * https://developer.squareup.com/docs/build-basics/common-api-patterns/idempotency
 */
export function createIdempotencyKey(values: PartialFieldValues, scope: { customerId?: string; generation?: number } = {}): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ customerId: scope.customerId ?? null, generation: scope.generation ?? 0, values }))
    .digest('base64url');
  return `oh${digest.slice(0, 40)}`;
}
