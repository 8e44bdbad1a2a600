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
import type { RandomFill } from "./sessions.ts";
import type { SessionLayer } from "./session_layer.ts";

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
  /**
   * Opts in to sessions: a player whose connection drops keeps their identity (their index)
   * this many milliseconds, and a new connection may take it over. Each connection first
   * receives `{"code":"session","token":T,"holdMs":H}` (T secret, sent to it alone); a
   * connection whose first command is `{"code":"resume","token":T}` takes over T's identity,
   * held or still connected (the old connection is told `{"code":"session","error":"resumed
   * elsewhere"}` and closed), and is answered `{"code":"resume","success":true,"token":T2}`
   * (T2 the next token; T is used up) followed by what `onResume` returns. Any failed resume
   * gets `{"code":"resume","error":"cannot resume"}` and goes on as a new identity.
   * `{"code":"leave"}` (no key) ends the identity at once. Undefined: no sessions, and the
   * wire carries none of this.
   */
  holdMs?: number;
  /** Where tokens come from. Default: `crypto.getRandomValues`. */
  random?: RandomFill;
  /** Default: `SessionLayer`. Replaced only by tests that plant faults in it. */
  sessionLayer?: typeof SessionLayer;
}
