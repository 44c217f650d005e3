// What a customer's changed PII leaves behind in a network: the identifiers the network last accepted
// that the customer's new identifiers no longer carry, so they can be removed (DESIGN.md "What the
// network holds"). Only the identifiers a network matches a person by count: removing a stale first
// name alone would match nobody. Web and DMP receivers keep one record per primary key, which the
// add replaces, so nothing is left behind there.
import type { DestinationIdentifiers } from './identifiersFor.ts';
import type { MetaIdentifiers, MetaSchemaField } from './metaIdentifiers.ts';

const META_MATCH_KEYS: readonly MetaSchemaField[] = ['EXTERN_ID', 'EMAIL', 'PHONE'];

export function identifiersNoLongerSent(held: DestinationIdentifiers, current: DestinationIdentifiers): DestinationIdentifiers | null {
  if (held.type !== current.type) return null;
  switch (held.type) {
    case 'FACEBOOK_ADS': {
      const now = (current as typeof held).ids;
      const ids: MetaIdentifiers = {};
      for (const key of META_MATCH_KEYS) if (held.ids[key] !== undefined && held.ids[key] !== now[key]) ids[key] = held.ids[key];
      return Object.keys(ids).length ? { type: held.type, ids } : null;
    }
    case 'GOOGLE_ADS': {
      const now = new Set((current as typeof held).userIdentifiers.map((u) => JSON.stringify(u)));
      const userIdentifiers = held.userIdentifiers.filter((u) => !now.has(JSON.stringify(u)));
      return userIdentifiers.length ? { type: held.type, userIdentifiers } : null;
    }
    case 'LINKEDIN_ADS': {
      const now = new Set((current as typeof held).userIds.map((u) => `${u.idType}:${u.idValue}`));
      const userIds = held.userIds.filter((u) => !now.has(`${u.idType}:${u.idValue}`));
      return userIds.length ? { type: held.type, userIds } : null;
    }
    default:
      return null;
  }
}
