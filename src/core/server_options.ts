/**
 * The options of the server core.
 *
 * @module
 */
import type { ApplicationHooks } from "./application_hooks.ts";
import type { Clock } from "./clock.ts";
import type { DeliverPath } from "./deliver.ts";
import type { Limits } from "./limits.ts";
import type { Logger } from "./logger.ts";
import type { Parser } from "../parser/parser.ts";

/** Options of `Server`. */
export interface ServerOptions {
  /** The game: an `Application`, or anything with its hooks. */
  application: ApplicationHooks;
  /**
   * The time: timed commands and the timed limits run on it. The adapters' `systemClock`
   * in production, the simulator's virtual clock, or a `ManualClock` in tests.
   */
  clock: Clock;
  /** Default: a `JsonParser` with its default limits. */
  parser?: Parser;
  logger?: Logger;
  /** The answer to a Flash policy request, or null to treat it as a bad message. */
  flashPolicy?: string | null;
  /** Default: `deliverResult`. Replaced only by tests that plant faults in it. */
  deliver?: DeliverPath;
  /** How deep internal commands may nest (an internal command producing another). Default 8. */
  maxInternalDepth?: number;
  /** Limits to change from `DEFAULT_LIMITS`. */
  limits?: Partial<Limits>;
}
