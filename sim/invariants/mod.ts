/**
 * The invariants library, and the set every simulation checks unless told otherwise.
 *
 * @module
 */
import { concurrentDrain, perIndexDelivery } from "./delivery_invariants.ts";
import { bufferBounds, noEscapedErrors } from "./health_invariants.ts";
import { hookPairs } from "./hook_invariants.ts";
import type { Invariant } from "../engine/invariant.ts";
import { transportLayer } from "./transport_invariants.ts";
import { inboundIntegrity, webSocketConduct } from "./wire_invariants.ts";
import { closeCodes } from "./ws_close.ts";

export { concurrentDrain, perIndexDelivery } from "./delivery_invariants.ts";
export { bufferBounds, type BufferBoundsOptions, noEscapedErrors } from "./health_invariants.ts";
export { hookPairs, type HookPairsOptions } from "./hook_invariants.ts";
export {
  type EndToEndLatency,
  endToEndLatency,
  type EndToEndLatencyOptions,
  type Origin,
} from "./latency_invariants.ts";
export {
  type Departure,
  departureOf,
  departures,
  type ExpectedDeparture,
} from "./limit_invariants.ts";
export { transportLayer } from "./transport_invariants.ts";
export { inboundIntegrity, webSocketConduct } from "./wire_invariants.ts";
export { hiddenAsAddressed, type HiddenAsAddressedOptions } from "./secret_invariants.ts";
export {
  hiddenInformation,
  type HiddenInformationOptions,
  roomIsolation,
  type RoomIsolationOptions,
} from "./room_invariants.ts";

/**
 * The invariants that need nothing from the scenario: per-index delivery, concurrent
 * drain, hooks, no escaped errors, buffer bounds, the transport layer's batching and cap,
 * inbound integrity, WebSocket conduct and close codes. Add room isolation and hidden information
 * when the scenario can say who is where and who knows what.
 *
 * @example
 * ```ts
 * import { defaultInvariants, hiddenInformation } from "../mod.ts";
 * const invariants = [...defaultInvariants(), hiddenInformation({ secretOf: () => undefined })];
 * ```
 */
export function defaultInvariants(): Invariant[] {
  return [
    perIndexDelivery(),
    concurrentDrain(),
    hookPairs(),
    noEscapedErrors(),
    bufferBounds(),
    transportLayer(),
    inboundIntegrity(),
    webSocketConduct(),
    closeCodes(),
  ];
}
export {
  type ClientModel,
  type Expected,
  type ItemFate,
  type ReplyAccounting,
  replyAccounting,
  type ReplyModel,
} from "./reply_accounting.ts";
export { itemsOf, type ReadFrame, readFrames, sameCommand, type SentItem } from "./wire.ts";
export {
  connectionCap,
  rateBounds,
  senderProgress,
  type SenderProgressOptions,
  toldWhy,
} from "./client_limits.ts";
export { timedCommands, type TimedCommandsOptions } from "./timer_invariants.ts";
export { nothingLeft, type NothingLeftOptions } from "./quiet_invariants.ts";
export { staysConnected } from "./stays_connected.ts";
export { webSocketLimit } from "./ws_limit.ts";
export { webSocketFaults } from "./ws_faults.ts";
export { closeCodes } from "./ws_close.ts";
export { entranceAnswers, type EntrancePromise } from "./http_answers.ts";
export { silentPeersGivenUp } from "./keep_alive.ts";
export { closeTimeout } from "./close_timeout.ts";
export { type BroadcastGame, everyoneHears, noWaitForOthers } from "./broadcasts.ts";
export { heldAnswersFirst } from "./held_first.ts";
export { goneByShutdownEnd } from "./shutdown_invariants.ts";
