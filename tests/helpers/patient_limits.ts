/**
 * Limits that keep the slow-consumer policy out of a test: for tests of the transports' own
 * buffering and backpressure, where a reader that stalls must be waited for, not cut off.
 */
import type { Limits } from "../../mod.ts";

const HOUR_MS = 60 * 60_000;

/** No waiting bound, no slow-consumer timeout, no byte cap worth the name. */
export const PATIENT_LIMITS: Partial<Limits> = {
  highWaterMarkBytes: 1 << 30,
  maxBufferedBytes: 1 << 30,
  drainWaitMs: HOUR_MS,
  slowConsumerTimeoutMs: HOUR_MS,
};
