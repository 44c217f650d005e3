// destination type → adapter. A type without an adapter fails its jobs in the preparation layer.
import type { DestinationType } from '../generated/prisma/enums.ts';
import type { DestinationAdapter } from './adapter.ts';
import { dmpAdapter } from './dmp/dmpAdapter.ts';
import { facebookAdapter } from './facebook/facebookAdapter.ts';
import { googleAdapter } from './google/googleAdapter.ts';
import { linkedinAdapter } from './linkedin/linkedinAdapter.ts';
import { webAdapter } from './web/webAdapter.ts';

const adapters: Partial<Record<DestinationType, DestinationAdapter>> = {
  FACEBOOK_ADS: facebookAdapter,
  GOOGLE_ADS: googleAdapter,
  LINKEDIN_ADS: linkedinAdapter,
  DMP: dmpAdapter,
  WEB: webAdapter,
};

export function adapterFor(type: DestinationType): DestinationAdapter | null {
  return adapters[type] ?? null;
}
