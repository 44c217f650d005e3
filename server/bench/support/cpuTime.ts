// CPU seconds used by each part of the system while a benchmark runs: the worker, the API, this
// process (the load and the simulator) and all of PostgreSQL, read from /proc (Linux only; empty
// elsewhere). Beside the wall time it tells whether a run was short of CPU or waiting on something.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export function ticksOf(pid: number): number {
  try {
    // fields after the command's closing parenthesis: utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Each PostgreSQL process's CPU ticks so far, by pid. */
function postgresTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') ticks.set(Number(entry), ticksOf(Number(entry)));
    } catch {
      /* gone meanwhile */
    }
  }
  return ticks;
}

export interface CpuSeconds {
  worker: number;
  api: number;
  benchAndSimulator: number;
  postgres: number;
}

/** Starts counting; `stop()` gives the CPU seconds each part used since (a PostgreSQL backend that
 * ended in between is not counted; one that started is counted whole). */
export function countCpu(pids: { worker: number; api: number }): { stop(): CpuSeconds } {
  const start = { worker: ticksOf(pids.worker), api: ticksOf(pids.api), postgres: postgresTicks(), self: process.cpuUsage() };
  return {
    stop() {
      const self = process.cpuUsage(start.self);
      const seconds = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND) * 10) / 10;
      return {
        worker: seconds(ticksOf(pids.worker) - start.worker),
        api: seconds(ticksOf(pids.api) - start.api),
        benchAndSimulator: Math.round(((self.user + self.system) / 1e6) * 10) / 10,
        postgres: seconds([...postgresTicks()].reduce((sum, [pid, now]) => sum + now - (start.postgres.get(pid) ?? 0), 0)),
      };
    },
  };
}
