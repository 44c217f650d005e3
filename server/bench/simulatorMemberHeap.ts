// How much heap the simulator's Facebook audience holds per member (it runs inside the benchmark
// process, so at `--scale` its millions of members are the benchmark's garbage collector's work too).
// Sends 10,000-row users batches (EXTERN_ID, EMAIL hash, one COUNTRY hash for everyone) straight to the
// simulator's handler and prints the heap the audience holds, after a forced GC, and the handling time:
//   node --expose-gc --import tsx bench/simulatorMemberHeap.ts [members, default 1,000,000]
import { createHash } from 'node:crypto';
import { createFacebookSimulator } from '../src/simulator/facebook/facebookSimulator.ts';
import type { RequestFaults } from '../src/simulator/networkSimulator.ts';

if (!globalThis.gc) throw new Error('run with node --expose-gc');
const gc = globalThis.gc;
const members = Number(process.argv[2] ?? 1_000_000);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const noFaults: RequestFaults = { rejectRecord: () => null, rejectBatch: () => null, failJob: () => null };

let facebook: ReturnType<typeof createFacebookSimulator> | null = createFacebookSimulator();
function send(method: string, path: string, body: unknown) {
  const raw = Buffer.from(JSON.stringify(body));
  const request = { method, path, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, raw, now: Date.now() };
  const reply = facebook!.route(method, path)!.handle(request, noFaults) as { status: number; body: { id?: string } };
  if (reply.status !== 200) throw new Error(`${method} ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const { id } = send('POST', '/v27.0/act_1/customaudiences', {
  name: 'heap',
  subtype: 'CUSTOM',
  customer_file_source: 'USER_PROVIDED_ONLY',
});
const country = sha256('us');
// the request bodies are built first, so neither their hashing nor their strings are measured
const batches: string[][][] = [];
for (let from = 0; from < members; from += 10_000) {
  const data: string[][] = [];
  for (let i = from; i < Math.min(members, from + 10_000); i++) data.push([`c-${i}`, sha256(`user${i}@example.com`), country]);
  batches.push(data);
}
let handlingMs = 0;
for (let b = 0; b < batches.length; b++) {
  const payload = { schema: ['EXTERN_ID', 'EMAIL', 'COUNTRY'], data: batches[b] };
  batches[b] = [];
  const start = performance.now();
  send('POST', `/v27.0/${id}/users`, { payload });
  handlingMs += performance.now() - start;
}
gc();
const withAudience = process.memoryUsage().heapUsed;
// in a function of its own: a temporary of the top-level code would keep the audience alive
const held = (() => facebook.state.audiences.get(id!)!.members.size)();
facebook = null;
gc();
const heap = withAudience - process.memoryUsage().heapUsed;
console.log(
  JSON.stringify({
    members: held,
    heapMb: Math.round(heap / 2 ** 20),
    bytesPerMember: Math.round(heap / members),
    handlingMs: Math.round(handlingMs),
  }),
);
