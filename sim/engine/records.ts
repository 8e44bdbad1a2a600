/**
 * What a simulation saw the core do, kept for the invariants to judge after the run.
 *
 * @module
 */
import type { Command, Index } from "../../mod.ts";

/**
 * One delivery the core addressed; every live recipient's list holds the same one. A
 * `direct` one is bytes the core wrote to one connection outside its send path (a refusal,
 * a give-up notice, the Flash policy answer).
 */
export class Addressed {
  /** Virtual time of the send, in microseconds. */
  readonly time: number;
  readonly commands: readonly Command[];
  /** Its wire bytes, as the server's parser serializes it: what each recipient must read. */
  readonly bytes: Uint8Array;
  /** Every index of the delivery (the whole audience, live or not). */
  readonly audience: readonly Index[];
  /** Whose hook or message made the turn that sent it, if anyone's. */
  readonly sender: Index | undefined;
  readonly direct: boolean;

  constructor(
    time: number,
    commands: readonly Command[],
    bytes: Uint8Array,
    audience: readonly Index[],
    sender: Index | undefined,
    direct = false,
  ) {
    this.time = time;
    this.commands = commands;
    this.bytes = bytes;
    this.audience = audience;
    this.sender = sender;
    this.direct = direct;
  }

  /** Bytes the core wrote to one connection itself, at `time`. */
  static direct(time: number, bytes: Uint8Array): Addressed {
    return new Addressed(time, [], bytes, [], undefined, true);
  }

  /** The commands as JSON, as a client's decoded message reads (see `Received.text`). */
  get text(): string {
    if (!this.direct) return JSON.stringify(this.commands);
    const text = new TextDecoder().decode(this.bytes).replace(/\0$/, "");
    try {
      return JSON.stringify(JSON.parse(text));
    } catch {
      return `<${text}>`;
    }
  }
}

/** How often a connection's hooks ran, and when they finished (microseconds). */
export interface HookCounts {
  connects: number;
  disconnects: number;
  connectedAt?: number;
  disconnectedAt?: number;
}

/** Something that went wrong, with when and (if known) whose. */
export interface Incident {
  readonly time: number;
  readonly index?: Index;
  readonly message: string;
}

/**
 * The simulation's records of the core.
 *
 * @example
 * ```ts
 * import { Records } from "./records.ts";
 * const records = new Records();
 * records.expected(3).length; // 0: nothing addressed to index 3 yet
 * ```
 */
export class Records {
  /** By recipient: the deliveries the core addressed to it while it was live, in order. */
  readonly addressed: Map<Index, Addressed[]> = new Map();
  /** By index: the connection hooks. */
  readonly hooks: Map<Index, HookCounts> = new Map();
  /** Errors that escaped the core: rejected or throwing events, unhandled rejections. */
  readonly escaped: Incident[] = [];
  /** Error lines the core logged (a failed turn, a failing controller). */
  readonly loggedErrors: Incident[] = [];
  /** Every line logged at the simulation's `logLevel` or above, errors included. */
  readonly logged: Incident[] = [];
  /** Deliveries addressed to an index after its onDisconnect had finished. */
  readonly lateAddresses: Incident[] = [];
  /** Indexes still registered once their onDisconnect had finished. */
  readonly stillRegistered: Incident[] = [];
  /** The wire bytes of every delivery addressed through the send path. */
  readonly addressedBytes: WeakSet<Uint8Array> = new WeakSet();
  /** Writes the core made outside its send path. */
  directWrites = 0;
  /** By index: the largest unparsed tail its decoder kept. */
  readonly maxTailBytes: Map<Index, number> = new Map();
  /** Deliveries addressed to live indexes, one per recipient. */
  deliveries = 0;
  /** Results the core sent. */
  results = 0;
  /** When the server's shutdown had finished (virtual µs), if it did. */
  shutdownEndedAt?: number;

  /** The bytes {@linkcode Records.isAddressed} last found: a broadcast writes them to all. */
  #lastAddressed: Uint8Array | undefined;

  /** Whether the send path was given `bytes`; if not, counts a direct write. */
  isAddressed(bytes: Uint8Array): boolean {
    if (bytes === this.#lastAddressed) return true;
    if (!this.addressedBytes.has(bytes)) {
      this.directWrites++;
      return false;
    }
    this.#lastAddressed = bytes;
    return true;
  }

  /** The deliveries addressed to `index` so far. */
  expected(index: Index): Addressed[] {
    let list = this.addressed.get(index);
    if (!list) this.addressed.set(index, list = []);
    return list;
  }

  /** The hook counts of `index`. */
  hooksOf(index: Index): HookCounts {
    let counts = this.hooks.get(index);
    if (!counts) this.hooks.set(index, counts = { connects: 0, disconnects: 0 });
    return counts;
  }
}
