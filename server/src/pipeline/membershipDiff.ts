// The diff between a job's payload and the audience's confirmed membership, as SQL over sets
// (alias p = sync_payloads; parameters $1 = sync job id, $2 = audience id):
// - add: kept customers the network does not have, or has with other identifiers (PII changed);
// - remove: current members that are no longer kept (left the scope, or withdrew consent), and kept
//   members whose changed PII left identifiers behind in the network (p.stale_identifiers);
// - unchanged: kept members the network has with these very identifiers (their PII changed, not what
//   the destination is sent).
//
// The membership is looked up per payload row (a scalar subquery on the membership key) rather than
// joined: the payload is what the job just wrote, so the planner's statistics rarely know its size,
// and right after a big sync they underestimate the audience too; a guessed join order then scanned
// a million memberships to diff twenty thousand rows. A lookup per row costs one index probe each.
const MEMBER_HASH = `(SELECT m.identifier_hash FROM memberships m WHERE m.audience_id = $2 AND m.customer_id = p.customer_id)`;

export const ADDS = `p.sync_job_id = $1 AND p.keep AND ${MEMBER_HASH} IS DISTINCT FROM p.identifier_hash`;

export const UNCHANGED = `p.sync_job_id = $1 AND p.keep AND ${MEMBER_HASH} = p.identifier_hash`;

export const REMOVES = `p.sync_job_id = $1 AND (NOT p.keep OR p.stale_identifiers IS NOT NULL) AND (
    SELECT true FROM memberships m WHERE m.audience_id = $2 AND m.customer_id = p.customer_id)`;
