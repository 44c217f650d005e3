import { payloadRows } from '../src/pipeline/stages/payloadRows.ts';
const N = 1_000_000;
const chunks: string[] = [];
let s = '';
for (let i = 0; i < N; i++) {
  s += `${i + 1}\tc-${i}\tcustomer.${i}@example.com\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\tUS\t\\N\t\\N\tt\t\\N\t1\t\\N\n`;
  if (s.length > 65536) { chunks.push(s); s = ''; }
}
chunks.push(s);
const rows = payloadRows({ jobId: 7, type: 'FACEBOOK_ADS', options: undefined, batchSize: 10000, plan: undefined, hashed: 0, unchanged: 0, rest: '' });
const enc = new TextEncoder();
const t = performance.now(); const cpu0 = process.cpuUsage(); let bytes = 0;
for (const c of chunks) bytes += enc.encode(rows.write(c)).byteLength;
const cpu = process.cpuUsage(cpu0);
console.log(process.env.NODE_OPTIONS ?? 'default', 'wall', Math.round(performance.now() - t), 'cpu', Math.round((cpu.user + cpu.system) / 1000), bytes);
