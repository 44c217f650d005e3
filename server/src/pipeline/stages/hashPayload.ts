// Stage 1's customers become payload rows (payloadRows.ts) as they stream through: on the main
// thread for the first rows, then, for a large stream, on a thread of their own. Hashing a million
// customers keeps one core busy for seconds while PostgreSQL, reading customers out and payload rows
// in, uses half of the other; with the hashing on its own thread the main thread only decodes and
// encodes the text of the two COPY streams, and both cores work. A small job never pays for starting
// a thread.
import { on } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { payloadRows, type PayloadRowsState } from './payloadRows.ts';

/** rows hashed on the main thread before the rest of a stream goes to a thread */
export const THREAD_AFTER_ROWS = 50_000;
/** chunks handed to the thread and not yet answered: enough to keep it busy, few enough to bound memory */
const CHUNKS_IN_FLIGHT = 4;

export interface HashPayloadOptions {
  threadAfterRows?: number;
  /** set when the first customer arrives (PostgreSQL's part before it: the diff's join) */
  onFirstChunk?: () => void;
}

/**
 * Payload lines for the customer lines of `chunks`. `result` holds the state at the end: the queue
 * item plan and the counts.
 */
export async function* hashPayload(
  chunks: AsyncIterable<Buffer>,
  start: PayloadRowsState,
  result: { state?: PayloadRowsState },
  options: HashPayloadOptions = {},
): AsyncGenerator<string> {
  const threadAfterRows = options.threadAfterRows ?? THREAD_AFTER_ROWS;
  const rows = payloadRows(start);
  const iterator = chunks[Symbol.asyncIterator]();
  let first = true;
  for (;;) {
    if (rows.hashed >= threadAfterRows) {
      result.state = yield* hashInThread(iterator, rows.state());
      return;
    }
    const next = await iterator.next();
    if (next.done) break;
    if (first) options.onFirstChunk?.();
    first = false;
    const out = rows.write(next.value.toString());
    if (out) yield out;
  }
  const last = rows.end();
  if (last) yield last;
  result.state = rows.state();
}

async function* hashInThread(chunks: AsyncIterator<Buffer>, state: PayloadRowsState): AsyncGenerator<string, PayloadRowsState> {
  const thread = startThread(state);
  // the thread's answers in order: its error rejects the next read, its exit ends them
  const answers = on(thread, 'message', { close: ['exit'] });
  const answer = async (): Promise<Answer> => {
    const next = await answers.next();
    if (next.done) throw new Error('the payload hashing thread exited before it answered');
    return next.value[0] as Answer;
  };
  try {
    let inFlight = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      thread.postMessage(next.value.toString());
      if (++inFlight < CHUNKS_IN_FLIGHT) continue;
      inFlight--;
      const { out } = await answer();
      if (out) yield out;
    }
    thread.postMessage(null);
    for (;;) {
      const { out, state: end } = await answer();
      if (out) yield out;
      if (end) return end;
    }
  } finally {
    await answers.return?.();
    await thread.terminate();
  }
}

function startThread(state: PayloadRowsState): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(`./payloadHashThread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(script, { workerData: state });
  // run from source (tests, tsx): the thread loads TypeScript through tsx, as its parent does
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); import(${JSON.stringify(script.href)});`, {
    eval: true,
    workerData: state,
  });
}

interface Answer {
  out: string;
  /** with the answer to the end of the stream */
  state?: PayloadRowsState;
}
