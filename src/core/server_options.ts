/**
 * The options of the server core, and how it keeps each connection.
 *
 * @module
 */
import type { Application } from "./application.ts";
import type { Clock } from "./clock.ts";
import type { ConnectionPolicy } from "./connection_policy.ts";
import type { Limits } from "./limits.ts";
import type { Logger } from "./logger.ts";
import type { Registered } from "./registry.ts";
import type { SendTarget } from "./send.ts";
import type { Result } from "./types.ts";
import type { Parser } from "../parser/parser.ts";

/** What legacy Flash clients expect in answer to `<policy-file-request/>`. */
export const FLASH_POLICY =
  '<cross-domain-policy><allow-access-from domain="*" to-ports="*"/></cross-domain-policy>';

/** The send path's signature, replaceable for tests that plant faults in it. */
export type SendPath = (result: Result, target: SendTarget) => Promise<void>;

/** Options of {@linkcode Server}. */
export interface ServerOptions<S> {
  application: Application<S>;
  /** Default: a {@linkcode JsonParser} with its default limits. */
  parser?: Parser;
  logger?: Logger;
  /** The answer to a Flash policy request, or null to treat it as a bad message. */
  flashPolicy?: string | null;
  /** Default: {@linkcode sendResult}. */
  send?: SendPath;
  /**
   * The time: timed commands and the timed limits run on it. The adapters' `systemClock`
   * in production, the simulator's virtual clock, or a `ManualClock` in tests.
   */
  clock: Clock;
  /** How deep internal commands may nest (an internal command producing another). Default 8. */
  maxInternalDepth?: number;
  /** Limits to change from {@linkcode DEFAULT_LIMITS}. */
  limits?: Partial<Limits>;
}

/** A connection as the server tracks it. */
export interface Live extends Registered {
  /** The limits this connection lives under; `connection` is its guarded outbound side. */
  readonly policy: ConnectionPolicy;
  /** This connection's events, handled one after another. */
  inbound: Promise<void>;
  /** Set once: the disconnect in progress or done. */
  leaving?: Promise<void>;
}
