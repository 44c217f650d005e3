// Stage 1's work on the customers it reads, in two parts (hashPayload.ts runs them):
// - hashLines, on whichever thread has the time: customer lines of COPY text in, each one's payload
//   line out, its identifiers hashed for the destination and its part in the diff decided against the
//   membership read with it (membershipDiff.ts). Each line stands alone, so chunks of lines can be
//   hashed on several threads at once.
// - payloadRows, on the main thread, in stream order: cuts the stream into whole lines and numbers the
//   hashed lines' adds and removes in customer order into the queue item plan, the only part that
//   needs the lines before it.
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
import { queueItemPlan } from '../queueItemPlan.ts';

/** What hashing a customer line needs: plain data, handed to each hashing thread. */
export interface PayloadJob {
  jobId: number;
  type: DestinationType;
  options: IdentifiersOptions | undefined;
}

/** Customer lines hashed, in the order they came. */
export interface HashedLines {
  /** each customer's payload line up to its row numbers (the last two columns), without a line break */
  lines: string[];
  /** each customer's part in the diff: ADD and REMOVE bits, 0 for a member with nothing to send */
  parts: Uint8Array;
  customerIds: Float64Array;
}

const ADD = 1;
const REMOVE = 2;

/** Hashes `text`: whole customer lines, each ending with a line break. */
export function hashLines(job: PayloadJob, text: string): HashedLines {
  const lines = text.split('\n');
  lines.pop();
  const parts = new Uint8Array(lines.length);
  const customerIds = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const f = parseCopyLine(lines[i]!);
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
    const identifiers = identifiersFor(job.type, pii, job.options);
    const json = JSON.stringify(identifiers);
    const digest = hash('sha1', json, 'base64');
    const keep = f[12] === 't';
    const stale = staleIdentifiers(keep, f[15] ?? null, identifiers);
    const part = partInDiff({ keep, memberHash: f[13] ?? null, hash: digest, stale });
    parts[i] = (part.add ? ADD : 0) | (part.remove ? REMOVE : 0);
    customerIds[i] = Number(f[0]);
    lines[i] =
      `${job.jobId}\t${f[0]}\t${escapeCopyField(f[1]!)}\t${escapeCopyJson(json)}\t${digest}\t${f[12]}\t${f[14]}\t${stale === null ? '\\N' : escapeCopyJson(stale)}`;
  }
  return { lines, parts, customerIds };
}

/** The main thread's part: whole lines out of the stream's chunks, and the hashed lines numbered. */
export function payloadRows(batchSize: number) {
  const plan = queueItemPlan(batchSize);
  let rest = '';
  let hashed = 0;
  let unchanged = 0;
  return {
    plan,
    /** the whole lines the stream has completed with `chunk` (a chunk may end mid-line) */
    wholeLines(chunk: string): string {
      const text = rest + chunk;
      const cut = text.lastIndexOf('\n') + 1;
      rest = text.slice(cut);
      return text.slice(0, cut);
    },
    /** the line the stream left unfinished, if any (COPY's text ends with a line break) */
    end(): string {
      const text = rest ? `${rest}\n` : '';
      rest = '';
      return text;
    },
    /** The payload lines of hashed lines, which must come in stream order: their adds and removes
     * are numbered here. */
    number({ lines, parts, customerIds }: HashedLines): string {
      let out = '';
      for (let i = 0; i < lines.length; i++) {
        const part = parts[i]!;
        const add = part & ADD ? String(plan.number('ADD', customerIds[i]!)) : '\\N';
        const remove = part & REMOVE ? String(plan.number('REMOVE', customerIds[i]!)) : '\\N';
        if (part === 0) unchanged++;
        out += `${lines[i]}\t${add}\t${remove}\n`;
      }
      hashed += lines.length;
      return out;
    },
    /** customers hashed so far */
    get hashed() {
      return hashed;
    },
    /** of them, members with nothing to send */
    get unchanged() {
      return unchanged;
    },
  };
}

export type PayloadRows = ReturnType<typeof payloadRows>;

/** What the network holds that this job must remove: everything it holds for a customer who leaves,
 * what is no longer sent for one who stays; null when nothing is, or what it holds is not known
 * (a membership from before identifiers were kept: its removal sends the current identifiers). */
function staleIdentifiers(keep: boolean, heldJson: string | null, current: DestinationIdentifiers): string | null {
  if (heldJson === null) return null;
  if (!keep) return heldJson;
  const stale = identifiersNoLongerSent(JSON.parse(heldJson), current);
  return stale && JSON.stringify(stale);
}
