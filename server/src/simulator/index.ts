// The ad-network simulator (see createSimulator.ts): mount `simulator.handle` in the main server under
// /sim/, or `startSimulator()` on a port of its own in tests.
export {
  createSimulator,
  REQUEST_LOG_LIMIT,
  type Simulator,
  type SimulatorOptions,
  type SimulatorState,
  type RequestLogEntry,
} from './createSimulator.ts';
export { startSimulator, type StartedSimulator } from './startSimulator.ts';
export type { ControlRequest } from './control/handleControl.ts';
export type { FaultSpec, FaultKind, ActiveFault } from './control/faultControl.ts';
export type { Network } from './simulatorHttp.ts';
export type { FacebookState, FacebookAudience, FacebookEvent } from './facebook/facebookSimulator.ts';
export type { GoogleState, GoogleUserList, GoogleJob, GoogleJobStatus, GoogleClickConversion } from './google/googleSimulator.ts';
export type { LinkedInState, LinkedInSegment } from './linkedin/linkedinSimulator.ts';
export type { WebState, WebBatch, WebRecord, WebEndpointState } from './web/webSimulator.ts';
export type { MemberStore } from './memberStore.ts';
