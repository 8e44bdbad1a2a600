/**
 * A simulated client: a script of what it does at which virtual time, and a log of what it
 * received, decoded with the server's own parser.
 *
 * @module
 */
import type { Command, Decoder, Index, Parser, Socket, SocketHandlers } from "../../mod.ts";
import type { LinkFaults } from "./faults.ts";
import { Inbox } from "./inbox.ts";
import { Addressed } from "./records.ts";
import { Link, type LinkPeer } from "./link.ts";
import { type ClientLogEntry, type Outgoing, Received } from "./received.ts";
import type { FaultPlan } from "./fault_plan.ts";
import type { World } from "./world.ts";

export { type ClientLogEntry, type Outgoing, Received } from "./received.ts";

/** Options of {@linkcode SimClient}. */
export interface SimClientOptions {
  world: World;
  /** Decides its link's segment faults, and which of its scripted faults strike. */
  plan: FaultPlan;
  name: string;
  faults: LinkFaults;
  /** The server's parser: the client decodes with it. */
  parser: Parser;
  /** When it connects, in microseconds. */
  connectAtUs: number;
  /** Opens the server's end of its connection: the layer's handlers for the socket. */
  accept(client: SimClient, socket: Socket): SocketHandlers;
  /** The core's list of deliveries addressed to `index`. */
  expected(index: Index): Addressed[];
  /** Whether the send path was given these bytes (else the core wrote them directly). */
  isAddressed(bytes: Uint8Array): boolean;
}

/** Hears each message a client reads, as soon as the read that completes it happens. */
export type MessageListener = (commands: Command[], client: SimClient) => void;

const encoder = new TextEncoder();

/**
 * A client of the simulated network. Script it with times in virtual milliseconds; each
 * method returns the client, so a script reads as one chain. What it reads is kept raw and
 * checked as it arrives; {@linkcode SimClient.messages} and {@linkcode SimClient.log} decode
 * it with the server's parser when asked.
 *
 * @example
 * ```ts
 * import { SimClient } from "./client.ts";
 * declare const alice: SimClient;
 * alice.send(5, { code: "goto", key: "lobby" }).send(9, { code: "get", key: "lobby" }).end(20);
 * ```
 */
export class SimClient {
  /** Its name in traces and logs (`c1`, `c2`, ...). */
  readonly name: string;
  /** Its connection, with the faults drawn for it. */
  readonly link: Link;
  /** What it read, and how that compares with what the core addressed to it. */
  readonly inbox: Inbox = new Inbox();
  /** When it connects, in virtual microseconds. */
  readonly connectAt: number;
  /** The index the server gave it, once accepted. */
  index: Index | undefined;
  /** Whether the server refused it (it was shutting down). */
  refused = false;
  /** Whether it saw the server close the connection (after reading everything). */
  closedByServer = false;
  readonly #world: World;
  readonly #options: SimClientOptions;
  readonly #entries: (ClientLogEntry & { sequence: number })[] = [];
  #expected: Addressed[] = [];
  #sequence = 0;
  /** How many faults of each kind its script asked for so far. */
  readonly #faultCounts = new Map<string, number>();
  #decoded: { length: number; messages: Received[]; perRead: string[][] } | undefined;
  readonly #listeners: MessageListener[] = [];
  #liveDecoder: Decoder | undefined;

  constructor(options: SimClientOptions) {
    this.#options = options;
    this.#world = options.world;
    this.name = options.name;
    this.connectAt = options.connectAtUs;
    const peer: LinkPeer = {
      read: (bytes) => {
        this.inbox.append(this.#world.now, this.#sequence++, bytes);
        if (this.#world.trace.on) this.#trace(`read ${bytes.length}B`);
        if (this.#listeners.length > 0) this.#hear(bytes);
      },
      ended: () => this.#ended(),
      accept: (socket) => this.#options.accept(this, socket),
      written: (bytes) => {
        if (!options.isAddressed(bytes)) {
          this.#expected.push(Addressed.direct(this.#world.now, bytes));
        }
      },
    };
    this.inbox.expect(this.#expected);
    this.link = new Link(options.world, options.plan, options.name, options.faults, peer);
    this.#at(0, () => this.link.connect());
  }

  /** The virtual time, in milliseconds: when to send an answer from a listener. */
  get time(): number {
    return this.#world.now / 1000;
  }

  /**
   * What it must read: the deliveries the core addressed to its index, and what the core
   * wrote to it directly, in order.
   */
  get expected(): readonly Addressed[] {
    return this.#expected;
  }

  /** Every message it read, decoded with the server's parser. */
  get messages(): Received[] {
    return this.#decode().messages;
  }

  /** Its log, in order: what it sent, each read (raw and decoded), what happened to it. */
  get log(): ClientLogEntry[] {
    const { perRead } = this.#decode();
    const reads = this.inbox.reads().map((read, k) => ({
      time: read.time,
      sequence: read.sequence,
      kind: "read" as const,
      bytes: read.bytes,
      decoded: perRead[k],
    }));
    return [...this.#entries, ...reads].sort((a, b) => a.sequence - b.sequence);
  }

  /** Sends one message (or raw text/bytes) at `atMs`. */
  send(atMs: number, message: Outgoing): this {
    const bytes = typeof message === "string"
      ? encoder.encode(message)
      : message instanceof Uint8Array
      ? message
      : encoder.encode(JSON.stringify(message) + "\0");
    return this.#at(atMs, () => {
      const sent = this.link.clientWrite(bytes);
      this.#log("sent", sent ? undefined : "not sent: the connection is closed", bytes);
      if (this.#world.trace.on) this.#trace(`send ${bytes.length}B${sent ? "" : " (closed)"}`);
    });
  }

  /** Half-closes at `atMs`: sends nothing more, still reads. */
  end(atMs: number): this {
    return this.#faultAt("half-close", atMs, () => this.link.clientEnd());
  }

  /** Vanishes at `atMs`; the server is told when the reset reaches it. */
  abort(atMs: number): this {
    return this.#faultAt("abort", atMs, () => this.link.clientAbort("client aborted"));
  }

  /** Is reset at `atMs`: the server's writes fail first, and it is told `noticeMs` later. */
  reset(atMs: number, noticeMs = 20): this {
    return this.#faultAt(
      "reset",
      atMs,
      () => this.link.clientAbort("client reset", noticeMs * 1000),
    );
  }

  /** Stops reading at `atMs`. */
  pauseReading(atMs: number): this {
    return this.#faultAt("pause reading", atMs, () => this.link.reader.pause());
  }

  /** Reads again from `atMs`. */
  resumeReading(atMs: number): this {
    return this.#faultAt("resume reading", atMs, () => this.link.reader.resume());
  }

  /** Vanishes right after the server's onConnect, before its result is sent. */
  abortAfterConnect(): this {
    this.link.triggers.abortAfterConnect = this.#fault("abort after connect", this.connectAt, 1) ===
      1;
    return this;
  }

  /** Is reset just before the server's `n`-th write to it, which throws. */
  resetBeforeWrite(n: number): this {
    this.link.triggers.resetBeforeWrite = this.#fault("reset before write", this.connectAt, n) ?? 0;
    return this;
  }

  /** Vanishes right after the server's `n`-th write to it, in the middle of the core's send. */
  abortAfterWrite(n: number): this {
    this.link.triggers.abortAfterWrite = this.#fault("abort after write", this.connectAt, n) ?? 0;
    return this;
  }

  /**
   * Calls `listener` with the commands of each message it reads, at the virtual time of the
   * read that completes it: a client that answers what it receives (a bot) sends from there.
   *
   * @example
   * ```ts
   * import type { SimClient } from "./client.ts";
   * declare const client: SimClient;
   * client.onMessage((commands, self) => {
   *   if (commands.some((command) => command.code === "ping")) self.send(self.time + 5, { code: "pong" });
   * });
   * ```
   */
  onMessage(listener: MessageListener): this {
    this.#listeners.push(listener);
    return this;
  }

  /** Vanishes as soon as the server has to wait for its drain. */
  abortWhileDraining(): this {
    this.link.triggers.abortWhileDraining =
      this.#fault("abort while draining", this.connectAt, 1) === 1;
    return this;
  }

  /** Everything it read, as text (bad UTF-8 replaced). */
  receivedText(): string {
    return new TextDecoder().decode(this.inbox.bytes);
  }

  #decode(): { messages: Received[]; perRead: string[][] } {
    const length = this.inbox.length;
    if (this.#decoded?.length === length) return this.#decoded;
    const decoder = this.#options.parser.createDecoder();
    const messages: Received[] = [];
    const perRead = this.inbox.reads().map((read) =>
      decoder.decode(read.bytes).map((message) => {
        const text = message.kind === "commands"
          ? JSON.stringify(message.commands)
          : message.kind === "error"
          ? `<${message.message}>`
          : "<policy request>";
        messages.push(new Received(read.time, text));
        return text;
      })
    );
    this.#decoded = { length, messages, perRead };
    return this.#decoded;
  }

  #hear(bytes: Uint8Array): void {
    this.#liveDecoder ??= this.#options.parser.createDecoder();
    for (const message of this.#liveDecoder.decode(bytes)) {
      if (message.kind !== "commands") continue;
      for (const listener of this.#listeners) listener(message.commands, this);
    }
  }

  /** The core admitted it as `index`, or refused it (undefined). */
  admitted(index: Index | undefined): void {
    this.index = index;
    this.refused = index === undefined;
    if (index !== undefined) {
      // What the core wrote inside accept, before the index was known, comes first.
      const list = this.#options.expected(index);
      list.unshift(...this.#expected);
      this.#expected = list;
      this.inbox.expect(list);
    }
    this.#log("event", index !== undefined ? `accepted as index ${index}` : "refused");
  }

  #ended(): void {
    if (this.closedByServer) return;
    this.closedByServer = true;
    this.#log("event", "server closed the connection");
    this.#trace("end of stream");
  }

  /** A fault of its script, if the run's plan lets it strike: its value, else undefined. */
  #fault(kind: string, atUs: number, value: number): number | undefined {
    const seq = this.#faultCounts.get(kind) ?? 0;
    this.#faultCounts.set(kind, seq + 1);
    return this.#options.plan.given(this.name, kind.replaceAll(" ", "-"), seq, atUs, value);
  }

  /** A scripted fault at a virtual time (the plan may move it), logged when it strikes. */
  #faultAt(kind: string, atMs: number, run: () => void): this {
    const at = this.#fault(kind, this.#usAt(atMs), atMs);
    return at === undefined ? this : this.#at(at, () => this.#event(kind, run));
  }

  #event(note: string, run: () => void): void {
    this.#log("event", note);
    run();
  }

  #log(kind: "sent" | "event", note: string | undefined, bytes?: Uint8Array): void {
    this.#entries.push({ time: this.#world.now, sequence: this.#sequence++, kind, note, bytes });
  }

  #usAt(atMs: number): number {
    return Math.max(Math.round(atMs * 1000), this.#options.connectAtUs);
  }

  #at(atMs: number, run: () => void): this {
    const at = this.#usAt(atMs);
    this.#world.schedule(Math.max(0, at - this.#world.now), run);
    return this;
  }

  #trace(what: string): void {
    if (this.#world.trace.on) this.#world.trace.add(this.#world.now, this.name, what);
  }
}
