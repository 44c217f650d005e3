// What each simulated network provides to the shared request loop in createSimulator: its routes, how
// it checks credentials, and how it words throttling, outages and bad tokens on the wire.
import type { ActiveFault, FaultControl, FaultSpec } from './control/faultControl.ts';
import type { Network, Reply, SimRequest } from './simulatorHttp.ts';

export type TokenProblem = 'missing' | 'invalid' | 'expired';

export interface RouteMatch {
  /** operation name faults can target, e.g. 'users', 'events', 'addOperations' (Web: the endpoint name) */
  endpoint: string;
  handle(request: SimRequest, faults: RequestFaults): Reply | Promise<Reply>;
}

export interface NetworkSimulator {
  network: Network;
  route(method: string, path: string): RouteMatch | null;
  notFound(request: SimRequest): Reply;
  /** null when credentials are acceptable; `tokenOk` applies the control's valid-token list */
  authenticate(request: SimRequest, tokenOk: (token: string) => boolean): Reply | null;
  invalidToken(request: SimRequest, problem: TokenProblem): Reply;
  rateLimited(request: SimRequest, fault: Extract<FaultSpec, { kind: 'rateLimit' }>): Reply;
  unavailable(request: SimRequest, status: number): Reply;
  reset(): void;
}

/** Record-level faults, as seen by one request's handler. */
export interface RequestFaults {
  /** the rejectRecords fault matching any of a record's values, with the matched value */
  rejectRecord(values: readonly (string | undefined | null)[]): { value: string; reason: string } | null;
  /** the rejectBatch fault matching a batch (any value of any record); fires it */
  rejectBatch(values: Iterable<string | undefined | null>): { value: string | null; reason: string; status: number | undefined } | null;
  /** a Google failJob fault, fired */
  failJob(): { reason: string } | null;
}

export function createRequestFaults(faults: FaultControl, network: Network, endpoint: string): RequestFaults & { finish(): void } {
  const matched = new Set<ActiveFault>();
  // looked up once per request: a 10,000-row batch asks for every row
  let recordFaults: ReturnType<typeof faults.find<'rejectRecords'>> | null = null;
  return {
    rejectRecord(values) {
      const active = (recordFaults ??= faults.find(network, endpoint, 'rejectRecords'));
      if (active.length === 0) return null;
      for (const fault of active) {
        for (const value of values) {
          if (value && fault.values!.has(value)) {
            matched.add(fault);
            return { value, reason: fault.spec.reason ?? 'rejected by the simulator (rejectRecords fault)' };
          }
        }
      }
      return null;
    },
    rejectBatch(values) {
      const active = faults.find(network, endpoint, 'rejectBatch');
      if (active.length === 0) return null;
      for (const fault of active) {
        let hit: string | null | undefined;
        if (fault.values === null) hit = null;
        else
          for (const value of values)
            if (value && fault.values.has(value)) {
              hit = value;
              break;
            }
        if (hit !== undefined) {
          faults.fire(fault);
          return {
            value: hit,
            reason: fault.spec.reason ?? 'batch rejected by the simulator (rejectBatch fault)',
            status: fault.spec.status,
          };
        }
      }
      return null;
    },
    failJob() {
      const fault = faults.find(network, endpoint, 'failJob')[0];
      if (!fault) return null;
      faults.fire(fault);
      return { reason: fault.spec.reason ?? 'UNKNOWN' };
    },
    finish() {
      for (const fault of matched) faults.fire(fault);
    },
  };
}
