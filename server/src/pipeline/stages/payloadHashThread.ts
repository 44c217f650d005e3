// The thread a large stage 1 hands its customers to (hashPayload.ts): it starts from the state the
// main thread reached, answers each chunk of customer lines with its payload lines, and answers the
// end of the stream with the last line and its final state.
import { parentPort, workerData } from 'node:worker_threads';
import { payloadRows, type PayloadRowsState } from './payloadRows.ts';

const rows = payloadRows(workerData as PayloadRowsState);
const encoder = new TextEncoder();

parentPort!.on('message', (chunk: Uint8Array | null) => {
  if (chunk === null) {
    const last = encoder.encode(rows.end());
    parentPort!.postMessage({ out: last, state: rows.state() }, [last.buffer]);
    return;
  }
  // encoded here, so the main thread only passes bytes on; the buffer moves, it is not copied
  const out = encoder.encode(rows.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString()));
  parentPort!.postMessage({ out }, [out.buffer]);
});
