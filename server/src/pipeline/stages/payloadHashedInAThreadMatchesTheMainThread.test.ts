// A large stage 1 hands its customers to threads part-way (hashPayload.ts). The payload lines, the
// queue item plan and the counts must be exactly those of hashing everything on the main thread,
// wherever the hand-over falls and however many threads share the chunks; and a failure on a thread
// must fail the stage, not hang it.
import { describe, expect, it } from 'vitest';
import { hashNormalised } from '../../destinations/hashing/index.ts';
import { hashPayload } from './hashPayload.ts';
import { payloadRows, type PayloadJob } from './payloadRows.ts';

/** COPY text as stage 1 reads it: id, external id, PII, keep, member hash, pii version, held identifiers */
function customerLines(n: number): string[] {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const keep = i % 5 !== 0;
    // every fifth leaves (held identifiers to remove), every seventh kept member is held with an old email
    const held = !keep || i % 7 === 0 ? JSON.stringify({ type: 'WEB', ids: { EMAIL: hashNormalised(`old.${i}@example.com`) } }) : null;
    const fields = [
      String(i),
      `c\\t${i}`, // a tab in the external id, escaped as COPY escapes it
      `Person.${i}@Example.com`,
      i % 3 ? '+1 555 010 ' + String(i).padStart(4, '0') : '\\N',
      'Zoë',
      '\\N',
      'Paris',
      '\\N',
      '75001',
      i % 2 ? 'FR' : 'France',
      '1990-07-04',
      '\\N',
      keep ? 't' : 'f',
      held ? 'member-hash' : '\\N',
      String(i),
      held ? held.replace(/\\/g, '\\\\') : '\\N',
    ];
    lines.push(fields.join('\t'));
  }
  return lines;
}

/** the lines cut into chunks of `size` bytes, cutting lines too, as a socket may */
async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < text.length; at += size) yield Buffer.from(text.slice(at, at + size));
}

async function run(text: string, threadAfterRows: number, options: { type?: PayloadJob['type']; threads?: number } = {}) {
  const job: PayloadJob = { jobId: 42, type: options.type ?? 'WEB', options: undefined };
  const rows = payloadRows(7);
  let out = '';
  for await (const part of hashPayload(chunksOf(text, 997), job, rows, { threadAfterRows, threads: options.threads })) out += part;
  return {
    out,
    hashed: rows.hashed,
    unchanged: rows.unchanged,
    adds: rows.plan.adds,
    removes: rows.plan.removes,
    items: rows.plan.items(),
  };
}

describe('hashing stage 1 in a thread', () => {
  const text = customerLines(3_000).join('\n') + '\n';

  it.each([
    [0, 1],
    [1, 1],
    [1_234, 1],
    [0, 2],
    [1_234, 3],
  ])('writes the same payload, plan and counts when threads take over after %i rows (%i threads)', async (after, threads) => {
    const inline = await run(text, Number.POSITIVE_INFINITY);
    const threaded = await run(text, after, { threads });
    expect(inline.hashed, 'every customer hashed').toBe(3_000);
    expect(inline.out.split('\n').length - 1, 'one payload line per customer').toBe(3_000);
    expect(inline.removes, 'every fifth customer leaves').toBe(600);
    expect(threaded.out, 'payload lines byte for byte').toBe(inline.out);
    expect(threaded, 'the plan and the counts').toEqual(inline);
  });

  it('hashes a Facebook payload the same way on either thread', async () => {
    const inline = await run(text, Number.POSITIVE_INFINITY, { type: 'FACEBOOK_ADS' });
    const threaded = await run(text, 0, { type: 'FACEBOOK_ADS', threads: 2 });
    expect(threaded.out).toBe(inline.out);
    expect(threaded).toEqual(inline);
  });

  it("fails with the thread's error when a line cannot be hashed", async () => {
    const broken = customerLines(10);
    broken[7] = broken[7]!.replace(/\t[^\t]*$/, '\t{not json'); // held identifiers that are not JSON
    await expect(run(broken.join('\n') + '\n', 0, { threads: 2 })).rejects.toThrow(/JSON/);
  });
});
