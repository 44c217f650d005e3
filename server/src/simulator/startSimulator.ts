// The simulator on a port of its own, for tests and benchmarks: `url` ends in the base path, so a
// destination's apiBaseUrl is `${url}/facebook` and so on.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, type Simulator, type SimulatorOptions } from './createSimulator.ts';

export interface StartedSimulator {
  /** e.g. http://127.0.0.1:43121/sim */
  url: string;
  simulator: Simulator;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions & { port?: number; host?: string } = {}): Promise<StartedSimulator> {
  const simulator = createSimulator(options);
  const server = http.createServer((req, res) => {
    simulator.handle(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`Not found: the simulator is under ${simulator.basePath}/\n`);
      }
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${simulator.basePath}`,
    simulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
