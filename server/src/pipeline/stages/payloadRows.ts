// Stage 1's work on each customer it reads, on whichever thread does it (hashPayload.ts): a customer
// line of COPY text in, its payload line out. The identifiers are hashed for the destination, the
// diff is decided against the membership read with it (membershipDiff.ts), and adds and removes are
// numbered in customer order into the queue item plan.
//
// All of its state is plain data (PayloadRowsState), so a stage that started on the main thread
// can hand the rest of its stream to a thread part-way through.
import { hash } from 'node:crypto';
import { escapeCopyField, escapeCopyJson, parseCopyLine } from '../../db/copyText.ts';
import {
  identifiersFor,
  identifiersNoLongerSent,
  type CustomerPii,
  type DestinationIdentifiers,
  type IdentifiersOptions,
} from '../../destinations/hashing/index.ts';
import type { DestinationType } from '../../generated/prisma/enums.ts';
import { partInDiff } from '../membershipDiff.ts';
import { queueItemPlan, type QueueItemPlanState } from '../queueItemPlan.ts';

export interface PayloadRowsState {
  jobId: number;
  type: DestinationType;
  options: IdentifiersOptions | undefined;
  batchSize: number;
  plan: QueueItemPlanState | undefined;
  /** customers read and hashed so far, and those of them with nothing to send */
  hashed: number;
  unchanged: number;
  /** the start of a line the last chunk cut */
  rest: string;
}

/** The state before the first customer. */
export function startPayloadRows(job: Pick<PayloadRowsState, 'jobId' | 'type' | 'options' | 'batchSize'>): PayloadRowsState {
  return { ...job, plan: undefined, hashed: 0, unchanged: 0, rest: '' };
}

export function payloadRows(from: PayloadRowsState) {
  const state = { ...from };
  const plan = queueItemPlan(state.batchSize, state.plan);
  return {
    /** The payload lines for the whole customer lines of `chunk`. */
    write(chunk: string): string {
      const lines = (state.rest + chunk).split('\n');
      state.rest = lines.pop()!;
      let out = '';
      for (const line of lines) out += payloadLine(line);
      return out;
    },
    /** The payload line of what the last chunk left unfinished (COPY's text ends with a newline). */
    end(): string {
      const out = state.rest ? payloadLine(state.rest) : '';
      state.rest = '';
      return out;
    },
    state(): PayloadRowsState {
      return { ...state, plan: plan.state() };
    },
    get hashed() {
      return state.hashed;
    },
  };

  function payloadLine(line: string): string {
    const f = parseCopyLine(line);
    const pii: CustomerPii = {
      externalId: f[1]!,
      email: f[2]!,
      phone: f[3]!,
      firstName: f[4]!,
      lastName: f[5]!,
      city: f[6]!,
      state: f[7]!,
      zip: f[8]!,
      country: f[9]!,
      dateOfBirth: f[10]!,
      gender: f[11]!,
    };
    const identifiers = identifiersFor(state.type, pii, state.options);
    const json = JSON.stringify(identifiers);
    const digest = hash('sha1', json, 'base64');
    state.hashed++;
    const keep = f[12] === 't';
    const stale = staleIdentifiers(keep, f[15] ?? null, identifiers);
    const part = partInDiff({ keep, memberHash: f[13] ?? null, hash: digest, stale });
    const customerId = Number(f[0]);
    const addRow = part.add ? String(plan.number('ADD', customerId)) : '\\N';
    const removeRow = part.remove ? String(plan.number('REMOVE', customerId)) : '\\N';
    if (!part.add && !part.remove) state.unchanged++;
    return `${state.jobId}\t${f[0]}\t${escapeCopyField(f[1]!)}\t${escapeCopyJson(json)}\t${digest}\t${f[12]}\t${f[14]}\t${stale === null ? '\\N' : escapeCopyJson(stale)}\t${addRow}\t${removeRow}\n`;
  }
}

/** What the network holds that this job must remove: everything it holds for a customer who leaves,
 * what is no longer sent for one who stays; null when nothing is, or what it holds is not known
 * (a membership from before identifiers were kept: its removal sends the current identifiers). */
function staleIdentifiers(keep: boolean, heldJson: string | null, current: DestinationIdentifiers): string | null {
  if (heldJson === null) return null;
  if (!keep) return heldJson;
  const stale = identifiersNoLongerSent(JSON.parse(heldJson), current);
  return stale && JSON.stringify(stale);
}
