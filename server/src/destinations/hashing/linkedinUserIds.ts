// LinkedIn DMP segment users: SHA256_EMAIL, the email normalised the Meta way.
import type { CustomerPii } from './customerPii.ts';
import { metaHash } from './metaIdentifiers.ts';

export interface LinkedInUserId {
  idType: 'SHA256_EMAIL';
  idValue: string;
}

export function linkedinUserIds(pii: CustomerPii): LinkedInUserId[] {
  const email = metaHash('EMAIL', pii.email);
  return email === null ? [] : [{ idType: 'SHA256_EMAIL', idValue: email }];
}
