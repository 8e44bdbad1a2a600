/**
 * What the simulation records of the core as it runs: the Application calls and the results
 * the send path is given, through the taps of `observe.ts`.
 *
 * @module
 */
import type { Command, Index, Recipients, Result } from "../../mod.ts";
import type { SimClient } from "./client.ts";
import type { SimObserver } from "./invariant.ts";
import type { ApplicationSpy, CallKind } from "./observe.ts";
import { Addressed, type Records } from "./records.ts";
import type { Settler } from "./settle.ts";
import { clip, type Trace } from "./trace.ts";

/** What the tap needs of its simulation. */
export interface TapHost {
  /** Virtual time, in microseconds. */
  time(): number;
  readonly trace: Trace;
  readonly records: Records;
  /** Whether the server still has `index` registered. */
  isRegistered(index: Index): boolean;
  clientOf(index: Index): SimClient | undefined;
  /** Records an error that escaped the core. */
  escape(message: string): void;
}

/**
 * Turns what the taps see into records: hook counts and times, the deliveries addressed to
 * each live index (with the sender of the turn), late addresses, escaped errors. It also
 * springs the faults that strike at a core moment (a client vanishing between onConnect and
 * its send), and tells observers.
 *
 * @example
 * ```ts
 * import { CoreTap } from "./core_tap.ts";
 * declare const tap: CoreTap;
 * tap.observe({ departed: (index) => console.log("gone:", index) });
 * ```
 */
export class CoreTap implements ApplicationSpy {
  readonly #host: TapHost;
  readonly #settler: Settler;
  readonly #observers: SimObserver[] = [];
  #turnOwner: Index | undefined;

  constructor(host: TapHost, settler: Settler) {
    this.#host = host;
    this.#settler = settler;
  }

  /** Adds an observer. */
  observe(observer: SimObserver): void {
    this.#observers.push(observer);
  }

  /** An Application call started. */
  started(kind: CallKind, index: Index): void {
    this.#settler.enter();
    // Turns run one at a time and end with their send: the first call since the last send
    // is the turn's own (internal commands nest inside it).
    if (this.#turnOwner === undefined) {
      this.#turnOwner = index;
      for (const observer of this.#observers) observer.turnStarted?.(index);
    }
    if (kind === "handleCommands") return;
    const counts = this.#host.records.hooksOf(index);
    if (kind === "onConnect") counts.connects++;
    else counts.disconnects++;
    if (this.#host.trace.on) this.#host.trace.add(this.#host.time(), `#${index}`, kind);
  }

  /** An Application call finished; its result is not sent yet. */
  finished(kind: CallKind, index: Index): void {
    this.#settler.leave();
    if (kind === "handleCommands") return;
    const { records } = this.#host;
    const now = this.#host.time();
    const counts = records.hooksOf(index);
    if (kind === "onConnect") {
      counts.connectedAt = now;
      const link = this.#host.clientOf(index)?.link;
      if (link?.triggers.abortAfterConnect) link.abortNow("abort between onConnect and its send");
      return;
    }
    counts.disconnectedAt = now;
    if (this.#host.isRegistered(index)) {
      records.stillRegistered.push({ time: now, index, message: "registered after onDisconnect" });
    }
    for (const observer of this.#observers) observer.departed?.(index);
  }

  /** An Application call rejected: the Application promises it never does. */
  failed(kind: CallKind, index: Index, error: unknown): void {
    this.#settler.leave();
    this.#host.escape(`application ${kind} rejected for index ${index}: ${String(error)}`);
  }

  /**
   * The core gave the send path a result: records each delivery for each recipient the
   * target says is live, and returns the wire bytes made of each delivery's commands.
   */
  addressed(result: Result, target: Recipients): Map<readonly Command[], Uint8Array> {
    this.#settler.activity();
    const { records, trace } = this.#host;
    const now = this.#host.time();
    const made = new Map<readonly Command[], Uint8Array>();
    records.results++;
    const sender = this.#turnOwner;
    this.#turnOwner = undefined;
    for (const observer of this.#observers) observer.sent?.();
    for (const [audience, commands] of result) {
      if (audience.length === 0 || commands.length === 0) continue;
      const entry = new Addressed(now, commands, target.serialize(commands), audience, sender);
      made.set(commands, entry.bytes);
      records.addressedBytes.add(entry.bytes);
      if (trace.on) trace.add(now, "core", `send [${audience.join(",")}] ${clip(entry.text)}`);
      for (const index of audience) {
        if (records.hooks.get(index)?.disconnectedAt !== undefined) {
          records.lateAddresses.push({ time: now, index, message: clip(entry.text) });
        }
        if (!target.connectionOf(index)) continue;
        records.expected(index).push(entry);
        records.deliveries++;
        for (const observer of this.#observers) observer.addressed?.(index, entry);
      }
    }
    return made;
  }

  /** The send path's promise settled. */
  drained(error: unknown): void {
    this.#settler.activity();
    if (error !== undefined) this.#host.escape(`the send path rejected: ${String(error)}`);
  }
}
