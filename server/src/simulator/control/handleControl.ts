// The simulator's own API, beside the networks: `POST {basePath}/_control` to inject faults and change
// settings, `GET {basePath}/_state` for a summary, `POST {basePath}/_reset` to start clean.
import type { Network, Reply } from '../simulatorHttp.ts';
import { isObject, NETWORKS } from '../simulatorHttp.ts';
import { faultSpecProblem, type FaultControl, type FaultSpec } from './faultControl.ts';

/**
 * Body of `POST {basePath}/_control`; every key optional, applied in this order:
 * ```json
 * { "clearFaults": true | "facebook",
 *   "faults": [{ "network": "facebook", "endpoint": "users", "kind": "rateLimit", "count": 2, "code": 17, "retryAfterSeconds": 60 }],
 *   "validTokens": { "google": ["tok-1"], "facebook": null },
 *   "webSecrets": { "crm": "s3cret", "old": null },
 *   "google": { "jobDelayMs": 200, "matchRateRange": "MATCH_RANGE_51_TO_60", "addOperationsHoldMs": 15 } }
 * ```
 * A body that is itself one fault (has `kind`) is taken as `{ faults: [body] }`.
 */
export interface ControlRequest {
  clearFaults?: boolean | Network;
  faults?: FaultSpec[];
  /** per network: only these tokens are valid; null restores the default (any non-empty token but 'invalid') */
  validTokens?: Partial<Record<Network, string[] | null>>;
  /** Web endpoint name → HMAC secret its requests must be signed with; null removes it */
  webSecrets?: Record<string, string | null>;
  google?: { jobDelayMs?: number; matchRateRange?: string; addOperationsHoldMs?: number };
}

export interface ControlSettings {
  validTokens: Map<Network, Set<string>>;
  webSecrets: Map<string, string>;
  google: { jobDelayMs: number; matchRateRange: string; addOperationsHoldMs: number };
}

export interface SimulatorControl {
  /** apply a control request; throws with the reason when it is malformed */
  apply(request: ControlRequest): { faultIds: number[] };
  handle(method: string, action: '_control' | '_state' | '_reset', raw: Buffer): Reply;
}

const MATCH_RANGES = new Set([
  'MATCH_RANGE_LESS_THAN_20',
  'MATCH_RANGE_20_TO_30',
  'MATCH_RANGE_31_TO_40',
  'MATCH_RANGE_41_TO_50',
  'MATCH_RANGE_51_TO_60',
  'MATCH_RANGE_61_TO_70',
  'MATCH_RANGE_71_TO_80',
  'MATCH_RANGE_81_TO_90',
  'MATCH_RANGE_91_TO_100',
]);

export function createControl(options: {
  faults: FaultControl;
  settings: ControlSettings;
  reset(): void;
  summary(): unknown;
}): SimulatorControl {
  const { faults, settings } = options;

  function apply(request: ControlRequest): { faultIds: number[] } {
    // validate everything first, so a bad request changes nothing
    if (
      request.clearFaults !== undefined &&
      request.clearFaults !== true &&
      request.clearFaults !== false &&
      !NETWORKS.includes(request.clearFaults)
    ) {
      throw new Error('clearFaults must be true or a network name');
    }
    if (request.faults !== undefined) {
      if (!Array.isArray(request.faults)) throw new Error('faults must be an array');
      for (const spec of request.faults) {
        const problem = faultSpecProblem(spec);
        if (problem) throw new Error(problem);
      }
    }
    if (request.validTokens !== undefined) {
      if (!isObject(request.validTokens)) throw new Error('validTokens must be an object keyed by network');
      for (const [network, tokens] of Object.entries(request.validTokens)) {
        if (!NETWORKS.includes(network as Network)) throw new Error(`validTokens: unknown network ${network}`);
        if (tokens !== null && !(Array.isArray(tokens) && tokens.every((t) => typeof t === 'string')))
          throw new Error(`validTokens.${network} must be string[] or null`);
      }
    }
    if (request.webSecrets !== undefined) {
      if (!isObject(request.webSecrets)) throw new Error('webSecrets must be an object keyed by endpoint name');
      for (const [name, secret] of Object.entries(request.webSecrets)) {
        if (secret !== null && (typeof secret !== 'string' || secret === ''))
          throw new Error(`webSecrets.${name} must be a non-empty string or null`);
      }
    }
    const g = request.google;
    if (g !== undefined) {
      if (!isObject(g)) throw new Error('google must be an object');
      if (g.jobDelayMs !== undefined && !(typeof g.jobDelayMs === 'number' && g.jobDelayMs >= 0))
        throw new Error('google.jobDelayMs must be >= 0');
      if (g.addOperationsHoldMs !== undefined && !(typeof g.addOperationsHoldMs === 'number' && g.addOperationsHoldMs >= 0))
        throw new Error('google.addOperationsHoldMs must be >= 0');
      if (g.matchRateRange !== undefined && !MATCH_RANGES.has(g.matchRateRange))
        throw new Error(`google.matchRateRange must be one of ${[...MATCH_RANGES].join(', ')}`);
    }

    if (request.clearFaults === true) faults.clear();
    else if (request.clearFaults) faults.clear(request.clearFaults);
    const faultIds = (request.faults ?? []).map((spec) => faults.add(spec).id);
    for (const [network, tokens] of Object.entries(request.validTokens ?? {})) {
      if (tokens === null) settings.validTokens.delete(network as Network);
      else settings.validTokens.set(network as Network, new Set(tokens));
    }
    for (const [name, secret] of Object.entries(request.webSecrets ?? {})) {
      if (secret === null) settings.webSecrets.delete(name);
      else settings.webSecrets.set(name, secret);
    }
    if (g) Object.assign(settings.google, Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined)));
    return { faultIds };
  }

  return {
    apply,
    handle(method, action, raw) {
      if (action === '_state') {
        return method === 'GET' ? { status: 200, body: options.summary() } : { status: 405, body: { error: 'GET only' } };
      }
      if (method !== 'POST') return { status: 405, body: { error: 'POST only' } };
      if (action === '_reset') {
        options.reset();
        return { status: 200, body: { ok: true } };
      }
      let body: unknown;
      try {
        body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      } catch {
        return { status: 400, body: { error: 'body must be JSON' } };
      }
      if (!isObject(body)) return { status: 400, body: { error: 'body must be a JSON object' } };
      const request = (typeof body.kind === 'string' ? { faults: [body] } : body) as ControlRequest;
      try {
        return { status: 200, body: { ok: true, ...apply(request) } };
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
    },
  };
}
