// The thread a large stage 1 hands its customers to (hashPayload.ts): it starts from the state the
// main thread reached, answers each chunk of customer lines with its payload lines, and answers the
// end of the stream with the last line and its final state.
import { parentPort, workerData } from 'node:worker_threads';
import { payloadRows, type PayloadRowsState } from './payloadRows.ts';

const rows = payloadRows(workerData as PayloadRowsState);

// text both ways: decoding and encoding are left to the main thread, which has the time
parentPort!.on('message', (chunk: string | null) => {
  if (chunk === null) parentPort!.postMessage({ out: rows.end(), state: rows.state() });
  else parentPort!.postMessage({ out: rows.write(chunk) });
});
