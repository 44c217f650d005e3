// The ad-network simulator: one request loop shared by every network (routing, request log, injected
// faults, credentials), each network's wire format in its own folder. Mount `handle` into any
// node:http server; all state lives in the returned object.
import type http from 'node:http';
import { createControl, type SimulatorControl } from './control/handleControl.ts';
import { createFaultControl, type ActiveFault } from './control/faultControl.ts';
import { createFacebookSimulator, type FacebookState } from './facebook/facebookSimulator.ts';
import { createGoogleSimulator, type GoogleState } from './google/googleSimulator.ts';
import { createLinkedInSimulator, type LinkedInState } from './linkedin/linkedinSimulator.ts';
import { createRequestFaults, type NetworkSimulator } from './networkSimulator.ts';
import { pushBounded } from './boundedStore.ts';
import { readBody, SimulatorRefusal, sleep, writeReply, type Network, type Reply, type SimRequest } from './simulatorHttp.ts';
import { createWebSimulator, type WebState } from './web/webSimulator.ts';

export interface RequestLogEntry {
  at: number;
  network: Network | null;
  endpoint: string | null;
  method: string;
  /** path without the query string (Graph tokens travel there) */
  path: string;
  /** HTTP status sent, or 'reset' when the connection was dropped */
  status: number | 'reset';
  durationMs: number;
  /** the injected fault that decided the answer, if any */
  fault?: string;
}

export interface SimulatorState {
  facebook: FacebookState;
  google: GoogleState;
  linkedin: LinkedInState;
  web: WebState;
  /** newest last; the oldest are dropped beyond REQUEST_LOG_LIMIT */
  requests: RequestLogEntry[];
  faults: ActiveFault[];
}

export interface Simulator {
  /** handles any request whose path starts with basePath; false when the path is not its own */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
  readonly state: SimulatorState;
  /** the settings `POST {basePath}/_control` changes, for tests in-process */
  control: SimulatorControl;
  reset(): void;
  basePath: string;
}

export interface SimulatorOptions {
  basePath?: string;
  now?: () => number;
  /**
   * Whether a request may use `_control`, `_state` and `_reset`. Mounted in the server, only an
   * ADMIN key may; a simulator on a port of its own (tests) leaves it open.
   */
  authorizeControl?: (req: http.IncomingMessage) => Promise<boolean>;
}

export const REQUEST_LOG_LIMIT = 20_000;

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const basePath = (options.basePath ?? '/sim').replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const faults = createFaultControl({ now });
  const settings = {
    validTokens: new Map<Network, Set<string>>(),
    webSecrets: new Map<string, string>(),
    google: { jobDelayMs: 50, matchRateRange: 'MATCH_RANGE_71_TO_80', addOperationsHoldMs: 15 },
  };
  const facebook = createFacebookSimulator();
  const google = createGoogleSimulator({ now, settings: settings.google });
  const linkedin = createLinkedInSimulator();
  const web = createWebSimulator({ secrets: settings.webSecrets });
  const networks: Record<Network, NetworkSimulator> = { facebook, google, linkedin, web };
  const requests: RequestLogEntry[] = [];

  const state: SimulatorState = {
    facebook: facebook.state,
    google: google.state,
    linkedin: linkedin.state,
    web: web.state,
    requests,
    get faults() {
      return faults.list();
    },
  };

  function reset() {
    for (const network of Object.values(networks)) network.reset();
    faults.clear();
    requests.length = 0;
    settings.validTokens.clear();
    settings.webSecrets.clear();
    Object.assign(settings.google, { jobDelayMs: 50, matchRateRange: 'MATCH_RANGE_71_TO_80', addOperationsHoldMs: 15 });
  }

  const control = createControl({ faults, settings, reset, summary: () => summary(state, google.settle) });

  function tokenOk(network: Network, token: string) {
    const valid = settings.validTokens.get(network);
    return valid ? valid.has(token) : token !== '' && token !== 'invalid';
  }

  function log(entry: RequestLogEntry) {
    pushBounded(requests, entry, REQUEST_LOG_LIMIT);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const pathname = url.pathname;
    if (pathname !== basePath && !pathname.startsWith(basePath + '/')) return false;
    const rest = pathname.slice(basePath.length);
    const method = req.method ?? 'GET';
    const started = performance.now();
    const entry: RequestLogEntry = { at: now(), network: null, endpoint: null, method, path: pathname, status: 0, durationMs: 0 };
    try {
      if (rest === '/_control' || rest === '/_state' || rest === '/_reset') {
        if (options.authorizeControl && !(await options.authorizeControl(req))) {
          throw new SimulatorRefusal(401, 'the simulator control endpoints need an ADMIN API key: send Authorization: Bearer KEY');
        }
        const raw = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
        writeReply(res, control.handle(method, rest.slice(1) as '_control', raw));
        return true;
      }
      const network = /^\/(facebook|google|linkedin|web)(?=\/|$)/.exec(rest)?.[1] as Network | undefined;
      let path: string;
      try {
        path = decodeURIComponent(rest.slice(1 + (network?.length ?? 0)));
      } catch {
        path = rest;
      }
      const raw = await readBody(req);
      const request: SimRequest = { method, path, query: url.searchParams, headers: req.headers, raw, now: now() };
      if (!network) {
        entry.status = 404;
        writeReply(res, {
          status: 404,
          body: { error: `unknown simulated network in ${pathname}; use ${basePath}/facebook, /google, /linkedin or /web/<name>` },
        });
        return true;
      }
      entry.network = network;
      const sim = networks[network];
      const route = sim.route(method, path);
      if (!route) return send(res, entry, sim.notFound(request));
      entry.endpoint = route.endpoint;

      for (const fault of faults.find(network, route.endpoint, 'latency')) {
        faults.fire(fault);
        await sleep(fault.spec.ms);
      }
      const outage = faults.find(network, route.endpoint, 'outage')[0];
      if (outage) faults.fire(outage);
      const outageMode = outage?.spec.mode ?? 'unavailable';
      if (outage && outageMode === 'reset') return drop(req, entry, 'outage:reset');
      if (outage && outageMode === 'unavailable') return send(res, entry, sim.unavailable(request, outage.spec.status ?? 503), 'outage');
      // whatever the answer would have been, the client never sees it: the work is done, then the
      // connection drops or an error comes back, so the client cannot tell it was applied
      const answer =
        outage && outageMode === 'resetAfterProcessing'
          ? (_reply: Reply, _fault?: string) => drop(req, entry, 'outage:resetAfterProcessing')
          : outage && outageMode === 'unavailableAfterProcessing'
            ? (_reply: Reply, _fault?: string) =>
                send(res, entry, sim.unavailable(request, outage.spec.status ?? 503), 'outage:unavailableAfterProcessing')
            : (reply: Reply, fault?: string) => send(res, entry, reply, fault);

      const expired = faults.find(network, route.endpoint, 'invalidToken')[0];
      if (expired) {
        faults.fire(expired);
        return answer(sim.invalidToken(request, 'expired'), 'invalidToken');
      }
      const refused = sim.authenticate(request, (token) => tokenOk(network, token));
      if (refused) return answer(refused);
      const throttle = faults.find(network, route.endpoint, 'rateLimit')[0];
      if (throttle) {
        faults.fire(throttle);
        return answer(sim.rateLimited(request, throttle.spec), 'rateLimit');
      }

      const requestFaults = createRequestFaults(faults, network, route.endpoint);
      const reply = await route.handle(request, requestFaults);
      requestFaults.finish();
      return answer(reply);
    } catch (error) {
      const refusal = error instanceof SimulatorRefusal ? error : null;
      entry.status = refusal?.status ?? 500;
      if (res.headersSent) res.end();
      else if (refusal) {
        // the rest of a refused body is not read: the connection closes after the answer
        writeReply(res, { status: refusal.status, headers: { connection: 'close' }, body: { error: refusal.message } });
      } else writeReply(res, { status: 500, body: { error: `simulator error: ${(error as Error).message}` } });
      return true;
    } finally {
      entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
      if (entry.network) log(entry);
    }
  }

  function send(res: http.ServerResponse, entry: RequestLogEntry, reply: Reply, fault?: string) {
    entry.status = reply.status;
    if (fault) entry.fault = fault;
    writeReply(res, reply);
    return true;
  }

  function drop(req: http.IncomingMessage, entry: RequestLogEntry, fault: string) {
    entry.status = 'reset';
    entry.fault = fault;
    req.socket.destroy();
    return true;
  }

  return {
    handle,
    get state() {
      google.settle();
      return state;
    },
    control,
    reset,
    basePath,
  };
}

/** `GET {basePath}/_state`: counts, not members, so it stays small with a million customers. */
function summary(state: SimulatorState, settle: () => void) {
  settle();
  const count = (m: Map<string, number>) => {
    let total = 0;
    for (const n of m.values()) total += n;
    return { distinct: m.size, total };
  };
  return {
    facebook: {
      audiences: [...state.facebook.audiences.values()].map((a) => ({
        id: a.id,
        adAccountId: a.adAccountId,
        name: a.name,
        deleted: a.deleted,
        members: a.members.size,
        sessions: a.sessions.size,
      })),
      events: state.facebook.events.length,
      duplicateEvents: state.facebook.duplicateEvents,
      eventIdsReceived: count(state.facebook.eventIdsReceived),
    },
    google: {
      userLists: [...state.google.userLists.values()].map((l) => ({ resourceName: l.resourceName, name: l.name, members: l.members.size })),
      jobs: [...state.google.jobs.values()].map((j) => ({
        resourceName: j.resourceName,
        userList: j.userList,
        status: j.status,
        operationKind: j.operationKind,
        operations: j.operations.length,
        matchRateRange: j.matchRateRange,
      })),
      clickConversions: state.google.clickConversions.length,
      duplicateConversions: state.google.duplicateConversions,
      conversionIdsReceived: count(state.google.conversionIdsReceived),
    },
    linkedin: {
      segments: [...state.linkedin.segments.values()].map((s) => ({ id: s.id, name: s.name, account: s.account, members: s.members.size })),
    },
    web: {
      endpoints: [...state.web.endpoints.entries()].map(([name, e]) => ({
        name,
        audiences: Object.fromEntries([...e.audiences.entries()].map(([a, m]) => [a, m.size])),
        conversions: e.conversions.size,
        conversionIdsReceived: count(e.conversionIdsReceived),
      })),
      batches: state.web.batches.length,
    },
    faults: state.faults.map((f) => ({
      id: f.id,
      ...f.spec,
      values: undefined,
      valueCount: f.values?.size,
      remaining: f.remaining,
      until: f.until,
      fired: f.fired,
    })),
    requests: { total: state.requests.length, recent: state.requests.slice(-50) },
  };
}
