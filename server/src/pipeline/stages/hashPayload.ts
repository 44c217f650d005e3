// Stage 1's customers become payload rows (payloadRows.ts) as they stream through: on the main
// thread for the first rows, then, for a large stream, on a thread of their own. Hashing a million
// customers keeps one core busy for seconds while PostgreSQL, reading customers out and payload rows
// in, uses half of the other; with the hashing on its own thread the main thread only decodes and
// encodes the text of the two COPY streams, and both cores work. A small job never pays for starting
// a thread.
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
  const answers = answersOf(thread);
  try {
    let inFlight = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      thread.postMessage(next.value.toString());
      if (++inFlight < CHUNKS_IN_FLIGHT) continue;
      inFlight--;
      const { out } = await answers.next();
      if (out) yield out;
    }
    thread.postMessage(null);
    for (;;) {
      const answer = await answers.next();
      if (answer.out) yield answer.out;
      if (answer.state) return answer.state;
    }
  } finally {
    answers.close();
    await thread.terminate();
  }
}

function startThread(state: PayloadRowsState): Worker {
  const script = new URL(`./payloadHashThread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (script.pathname.endsWith('.js')) return new Worker(script, { workerData: state });
  // run from source (tests, tsx): the thread loads TypeScript through tsx, as its parent does
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); import(${JSON.stringify(script.href)});`, {
    eval: true,
    workerData: state,
  });
}

interface Answer {
  out: string;
  state?: PayloadRowsState;
}

/** The thread's answers in order; a thread that fails or exits early fails the next read. */
function answersOf(thread: Worker) {
  const waiting: Array<{ resolve: (a: Answer) => void; reject: (e: unknown) => void }> = [];
  const ready: Answer[] = [];
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  const onMessage = (answer: Answer) => {
    const w = waiting.shift();
    if (w) w.resolve(answer);
    else ready.push(answer);
  };
  const onExit = (code: number) => fail(new Error(`the payload hashing thread exited (code ${code}) before it answered`));
  thread.on('message', onMessage).on('error', fail).on('exit', onExit);
  return {
    next(): Promise<Answer> {
      const answer = ready.shift();
      if (answer) return Promise.resolve(answer);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close() {
      thread.off('message', onMessage).off('error', fail).off('exit', onExit);
    },
  };
}
