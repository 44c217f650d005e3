// A thread a large stage 1 hashes customers on (hashPayload.ts): each message is a chunk of whole
// customer lines, each answer their hashed lines, in the order the chunks came.
import { parentPort, workerData } from 'node:worker_threads';
import { hashLines, type PayloadJob } from './payloadRows.ts';

const job = workerData as PayloadJob;

parentPort!.on('message', (text: string) => parentPort!.postMessage(hashLines(job, text)));
