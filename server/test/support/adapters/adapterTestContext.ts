// For adapter tests: a simulator started for the file (reset before each test, real clock) and an
// AdapterContext whose http is the engine's own createDestinationHttp, with the ApiCall rows it would
// insert captured in memory instead of a database.
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDestinationHttp } from '../../../src/delivery/destinationHttp.ts';
import { createNetworkPolicy } from '../../../src/delivery/networkPolicy.ts';
import type { DestinationType } from '../../../src/generated/prisma/enums.ts';
import type { ControlRequest, FaultSpec } from '../../../src/simulator/index.ts';
import type { CustomerPii } from '../../../src/destinations/hashing/index.ts';
import { startSimulator, type StartedSimulator } from '../../../src/simulator/index.ts';
import { httpResponse, type AdapterContext } from '../../../src/destinations/adapter.ts';

export interface RecordedApiCall {
  method: string;
  url: string;
  status: number | null;
  requestBody: string | null;
  responseBody: string | null;
}

export interface TestAdapterContext extends AdapterContext {
  /** ApiCall rows as the engine would store them (redacted), oldest first */
  apiCalls: RecordedApiCall[];
  /** every awaitingResponse(...) call, in order */
  awaiting: boolean[];
}

export function adapterContext(options: {
  type: DestinationType;
  settings: Record<string, unknown>;
  credentials?: Record<string, string>;
  syncJobId?: number | null;
}): TestAdapterContext {
  const apiCalls: RecordedApiCall[] = [];
  const awaiting: boolean[] = [];
  const pool = {
    async query(_sql: string, params: unknown[]) {
      apiCalls.push({
        method: params[3] as string,
        url: params[4] as string,
        status: params[5] as number | null,
        requestBody: params[7] as string | null,
        responseBody: params[8] as string | null,
      });
      return { rows: [], rowCount: 1 };
    },
  } as unknown as pg.Pool;
  const credentials = options.credentials ?? {};
  return {
    destination: { id: 1, name: `test ${options.type}`, type: options.type, settings: options.settings },
    credentials,
    syncJobId: options.syncJobId === undefined ? 7 : options.syncJobId,
    http: createDestinationHttp({
      pool,
      networkPolicy: createNetworkPolicy({ allowPrivateHosts: ['127.0.0.1'], requireHttps: false }),
      destinationId: 1,
      syncJobId: 7,
      queueItemId: null,
      secrets: Object.values(credentials),
    }),
    async awaitingResponse(waiting) {
      awaiting.push(waiting);
    },
    apiCalls,
    awaiting,
  };
}

export interface SimulatorForTests {
  started: StartedSimulator;
  url: string;
  control(request: ControlRequest): Promise<void>;
}

/** One simulator for the test file, reset before each test. */
export function useSimulator(): SimulatorForTests {
  const t = {} as SimulatorForTests;
  beforeAll(async () => {
    t.started = await startSimulator();
    t.url = t.started.url;
  });
  beforeEach(() => t.started.simulator.reset());
  afterAll(() => t.started?.close());
  t.control = async (request) => {
    const response = await fetch(`${t.url}/_control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (response.status !== 200)
      throw new Error(`expected the simulator to accept the control request, got ${response.status} ${await response.text()}`);
  };
  return t;
}

/** The DeliveryError a promise rejects with (fails the test when it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<{ kind: string; message: string; waitMs: number | null }> {
  try {
    await promise;
  } catch (error) {
    return error as { kind: string; message: string; waitMs: number | null };
  }
  throw new Error('expected the call to fail with a DeliveryError, but it succeeded');
}

/** A fake HttpResponse for mapping answers the simulator cannot produce. */
export function fakeResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return httpResponse(status, new Headers(headers), typeof body === 'string' ? body : JSON.stringify(body));
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** a fault for the network a test is about */
export type NetworkFault = DistributiveOmit<FaultSpec, 'network'>;

/** A customer's PII with every field not given left empty. */
export function pii(fields: Partial<CustomerPii> & { externalId: string }): CustomerPii {
  return {
    email: null,
    phone: null,
    firstName: null,
    lastName: null,
    city: null,
    state: null,
    zip: null,
    country: null,
    dateOfBirth: null,
    gender: null,
    ...fields,
  };
}
