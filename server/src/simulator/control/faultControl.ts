// Faults injected through `POST {basePath}/_control`: each targets one network and optionally one
// endpoint (a network operation such as 'users' or 'addOperations', or a Web endpoint's name), and lasts
// for its next `count` firings, for `durationMs`, or (neither given) until cleared.
import type { Network } from '../simulatorHttp.ts';

export type FaultKind =
  /** the network's own throttle signal (Meta 400 + code 17 + X-Business-Use-Case-Usage, Google 429, LinkedIn/Web 429 + Retry-After) */
  | {
      kind: 'rateLimit';
      retryAfterSeconds?: number;
      /** Meta only: 4, 17, 613 or 80003 */ code?: number;
      /** Meta only; default ceil(retryAfterSeconds/60) */ regainAccessMinutes?: number;
    }
  /**
   * 'unavailable': HTTP 503 (or `status`); 'reset': socket destroyed before any work; the two
   * "AfterProcessing" modes lose the answer of work that was done (a create whose response never
   * arrives): 'resetAfterProcessing' destroys the socket, 'unavailableAfterProcessing' answers the
   * network's 503 (or `status`) error as if the request had failed
   */
  | { kind: 'outage'; mode?: OutageMode; status?: number }
  /** the network's bad-token answer, whatever token is sent */
  | { kind: 'invalidToken' }
  /** refuse single records holding one of `values` (hashed identifier, record id, event id, gclid, order id) */
  | { kind: 'rejectRecords'; values: string[]; reason?: string }
  /** refuse the whole batch when it holds one of `values` (any batch when `values` is absent) */
  | { kind: 'rejectBatch'; values?: string[]; status?: number; reason?: string }
  /** wait this long before answering */
  | { kind: 'latency'; ms: number }
  /** Google: the next offline user data jobs run end FAILED */
  | { kind: 'failJob'; reason?: string };

export type OutageMode = 'unavailable' | 'reset' | 'resetAfterProcessing' | 'unavailableAfterProcessing';
const OUTAGE_MODES: readonly OutageMode[] = ['unavailable', 'reset', 'resetAfterProcessing', 'unavailableAfterProcessing'];

export type FaultSpec = FaultKind & {
  network: Network;
  endpoint?: string;
  count?: number;
  durationMs?: number;
};

export interface ActiveFault {
  id: number;
  spec: FaultSpec;
  /** firings left, null for unlimited */
  remaining: number | null;
  /** epoch ms after which it no longer fires, null for never */
  until: number | null;
  fired: number;
  values: ReadonlySet<string> | null;
}

export interface FaultControl {
  add(spec: FaultSpec): ActiveFault;
  /** active faults of a kind for this request, oldest first (does not consume) */
  find<K extends FaultKind['kind']>(
    network: Network,
    endpoint: string,
    kind: K,
  ): (ActiveFault & { spec: Extract<FaultSpec, { kind: K }> })[];
  /** count one firing; drops the fault when used up */
  fire(fault: ActiveFault): void;
  clear(network?: Network): void;
  list(): ActiveFault[];
}

const KINDS = new Set(['rateLimit', 'outage', 'invalidToken', 'rejectRecords', 'rejectBatch', 'latency', 'failJob']);
const NETWORK_NAMES = new Set(['facebook', 'google', 'linkedin', 'web']);

/** Why a fault spec is unusable, or null. */
export function faultSpecProblem(spec: unknown): string | null {
  if (spec === null || typeof spec !== 'object') return 'a fault must be an object';
  const s = spec as Record<string, unknown>;
  if (!NETWORK_NAMES.has(s.network as string))
    return `fault.network must be one of facebook, google, linkedin, web (got ${JSON.stringify(s.network)})`;
  if (!KINDS.has(s.kind as string)) return `fault.kind must be one of ${[...KINDS].join(', ')} (got ${JSON.stringify(s.kind)})`;
  if (s.endpoint !== undefined && typeof s.endpoint !== 'string') return 'fault.endpoint must be a string';
  if (s.count !== undefined && !(Number.isInteger(s.count) && (s.count as number) > 0)) return 'fault.count must be a positive integer';
  if (s.durationMs !== undefined && !(typeof s.durationMs === 'number' && s.durationMs > 0))
    return 'fault.durationMs must be a positive number';
  if (s.kind === 'rejectRecords' && !(Array.isArray(s.values) && s.values.every((v) => typeof v === 'string')))
    return 'rejectRecords needs values: string[]';
  if (s.kind === 'rejectBatch' && s.values !== undefined && !(Array.isArray(s.values) && s.values.every((v) => typeof v === 'string')))
    return 'rejectBatch values must be string[]';
  if (s.kind === 'latency' && !(typeof s.ms === 'number' && s.ms >= 0)) return 'latency needs ms >= 0';
  if (s.kind === 'outage' && s.mode !== undefined && !OUTAGE_MODES.includes(s.mode as OutageMode))
    return `outage.mode must be one of ${OUTAGE_MODES.join(', ')}`;
  return null;
}

export function createFaultControl(options: { now: () => number }): FaultControl {
  let faults: ActiveFault[] = [];
  let nextId = 1;

  function live(fault: ActiveFault, now: number) {
    return (fault.remaining === null || fault.remaining > 0) && (fault.until === null || now < fault.until);
  }

  return {
    add(spec) {
      const values = 'values' in spec && Array.isArray(spec.values) ? new Set(spec.values) : null;
      const fault: ActiveFault = {
        id: nextId++,
        spec,
        remaining: spec.count ?? null,
        until: spec.durationMs !== undefined ? options.now() + spec.durationMs : null,
        fired: 0,
        values,
      };
      faults.push(fault);
      return fault;
    },
    find(network, endpoint, kind) {
      const now = options.now();
      const out = [];
      for (const fault of faults) {
        if (fault.spec.network !== network || fault.spec.kind !== kind) continue;
        if (fault.spec.endpoint !== undefined && fault.spec.endpoint !== endpoint) continue;
        if (live(fault, now)) out.push(fault);
      }
      return out as never;
    },
    fire(fault) {
      fault.fired++;
      if (fault.remaining !== null) fault.remaining--;
      if (fault.remaining === 0) faults = faults.filter((f) => f !== fault);
    },
    clear(network) {
      faults = network ? faults.filter((f) => f.spec.network !== network) : [];
    },
    list() {
      const now = options.now();
      faults = faults.filter((f) => live(f, now));
      return faults.slice();
    },
  };
}
