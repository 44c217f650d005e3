// Stage 1's customers become payload rows (payloadRows.ts) as they stream through: on the main
// thread for the first rows, then, for a large stream, on threads of their own. Hashing a million
// customers on one thread kept it busy for seconds while PostgreSQL, reading customers out and
// payload rows in, used half of the other core; with the hashing spread over threads the main thread
// only cuts the stream into chunks of whole lines and numbers what comes back, and both cores work.
// A small job never pays for starting a thread.
import { on } from 'node:events';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashLines, type HashedLines, type PayloadJob, type PayloadRows } from './payloadRows.ts';

/** rows hashed on the main thread before the rest of a stream goes to threads */
export const THREAD_AFTER_ROWS = 50_000;
/** the threads a large stream is hashed on: one a core, a few at most */
const THREADS = Math.min(4, availableParallelism());
/** chunks handed to a thread and not yet answered: enough to keep it busy, few enough to bound memory */
const CHUNKS_IN_FLIGHT = 3;

export interface HashPayloadOptions {
  threadAfterRows?: number;
  threads?: number;
  /** set when the first customer arrives (PostgreSQL's part before it: the diff's join) */
  onFirstChunk?: () => void;
}

/** Payload lines for the customer lines of `chunks`; `rows` numbers them and counts. */
export async function* hashPayload(
  chunks: AsyncIterable<Buffer>,
  job: PayloadJob,
  rows: PayloadRows,
  options: HashPayloadOptions = {},
): AsyncGenerator<string> {
  const threadAfterRows = options.threadAfterRows ?? THREAD_AFTER_ROWS;
  const iterator = chunks[Symbol.asyncIterator]();
  let first = true;
  for (;;) {
    if (rows.hashed >= threadAfterRows) {
      yield* hashInThreads(iterator, job, rows, options.threads ?? THREADS);
      return;
    }
    const next = await iterator.next();
    if (next.done) break;
    if (first) options.onFirstChunk?.();
    first = false;
    const text = rows.wholeLines(next.value.toString());
    if (text) yield rows.number(hashLines(job, text));
  }
  const last = rows.end();
  if (last) yield rows.number(hashLines(job, last));
}

async function* hashInThreads(chunks: AsyncIterator<Buffer>, job: PayloadJob, rows: PayloadRows, count: number): AsyncGenerator<string> {
  const threads = Array.from({ length: count }, () => startThread(job));
  // each thread's answers in order: its error rejects the next read, its exit ends them
  const answers = threads.map((thread) => on(thread, 'message', { close: ['exit'] }));
  // the thread of each chunk handed out and not yet answered, oldest first: answers are numbered in
  // stream order
  const pending: number[] = [];
  let handedOut = 0;
  const handOut = (text: string) => {
    const t = handedOut++ % count;
    threads[t]!.postMessage(text);
    pending.push(t);
  };
  const oldestAnswer = async (): Promise<string> => {
    const next = await answers[pending.shift()!]!.next();
    if (next.done) throw new Error('a payload hashing thread exited before it answered');
    return rows.number(next.value[0] as HashedLines);
  };
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      const text = rows.wholeLines(next.value.toString());
      if (text) handOut(text);
      if (pending.length >= count * CHUNKS_IN_FLIGHT) yield await oldestAnswer();
    }
    const last = rows.end();
    if (last) handOut(last);
    while (pending.length) yield await oldestAnswer();
  } finally {
    await Promise.all(answers.map((a) => a.return?.()));
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

function startThread(job: PayloadJob): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(`./payloadHashThread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(script, { workerData: job });
  // run from source (tests, tsx): the thread loads TypeScript through tsx, as its parent does
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); import(${JSON.stringify(script.href)});`, {
    eval: true,
    workerData: job,
  });
}
