// What stage 1 of each sync read, from the `payload identified` line it logs at debug
// (identifyPayload.ts), for tests that pin which customers a run read and what it started from.
import { decodeGlobalID } from '@pothos/plugin-relay';

export interface PayloadIdentified {
  syncJobId: number;
  diffBase: number | null;
  customersHashed: number;
}

export function payloadLog() {
  const runs: PayloadIdentified[] = [];
  return {
    runs,
    /** startSyncScenario / startTestApp options that feed it */
    options: {
      env: { PAIDSYNC_LOG_LEVEL: 'debug' },
      log: (line: string) => {
        const entry = JSON.parse(line) as { msg: string } & PayloadIdentified;
        if (entry.msg === 'payload identified') runs.push(entry);
      },
    },
    /** the run of a job, by its GraphQL id */
    of(jobId: string): PayloadIdentified | undefined {
      const id = Number(decodeGlobalID(jobId).id);
      return runs.find((r) => r.syncJobId === id);
    },
  };
}

/** a GraphQL id's row id */
export const rowId = (id: string) => Number(decodeGlobalID(id).id);
