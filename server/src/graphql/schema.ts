// Every entity's schema file registers itself on the builder; importing them all builds the schema.
import { builder } from './builder.ts';
import './types/destination.ts';
import './types/customer.ts';
import './types/segment.ts';
import './types/queueItem.ts';
import { pageRelationsResolvedDirectly } from './types/syncJob.ts';
import './types/conversionEvent.ts';
import './types/apiCall.ts';
import './types/syncJobActions.ts';
import './types/outboundSchedule.ts';
import './types/conversionActions.ts';
import './types/apiKey.ts';
import './types/paidConfiguration.ts';
import './types/errorCode.ts';
import './types/customerTrace.ts';
import './types/alertRule.ts';

export const schema = builder.toSchema({ sortSchema: false });
pageRelationsResolvedDirectly(schema);
