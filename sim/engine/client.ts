/**
 * A simulated client: a script of what it does at which virtual time, over TCP or WebSocket,
 * and a log of what it received, decoded with its own reference decoder.
 *
 * @module
 */
import type { Index } from "../../mod.ts";
import type { ClientProtocol, MessageListener, SimClientOptions } from "./client_options.ts";
import type { Inbox } from "./inbox.ts";
import { Addressed, type Incident } from "./records.ts";
import { Link, type LinkPeer } from "./link.ts";
import type { ClientLogEntry, Outgoing, Received } from "./received.ts";
import { Script } from "./script.ts";
import { SentStream } from "./sent_stream.ts";
import { Transcript } from "./transcript.ts";
import type { World } from "./world.ts";
import { type RawFrame, WebSocketClient } from "./ws_client.ts";
import type { CloseFrame } from "./ws_close_frame.ts";

export { type ClientLogEntry, type Outgoing, Received } from "./received.ts";
export type { ClientProtocol, MessageListener, SimClientOptions } from "./client_options.ts";

const encoder = new TextEncoder();

/**
 * A client of the simulated network. Script it with times in virtual milliseconds; each
 * method returns the client, so a script reads as one chain. What it reads is kept raw and
 * checked as it arrives; {@linkcode SimClient.messages} and {@linkcode SimClient.log} decode
 * it with the reference decoder when asked. A WebSocket client's reads are the zero-byte
 * stream its frames carried (a text message and its zero byte), unwrapped by its own
 * frame reader.
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
  /** How it speaks. */
  readonly protocol: ClientProtocol;
  /** Whether its server end goes through the port's entrance (every WebSocket client's does). */
  readonly sniffed: boolean;
  /** Its connection, with the faults drawn for it. */
  readonly link: Link;
  /** Its WebSocket side, for a WebSocket client. */
  readonly webSocket: WebSocketClient | undefined;
  /** What the server did that its WebSocket side found against the rules. */
  readonly webSocketViolations: Incident[] = [];
  /** What it sent of the zero-byte stream, checked against what the core was given. */
  readonly sent: SentStream = new SentStream();
  /** When it connects, in virtual microseconds. */
  readonly connectAt: number;
  /** The index the server gave it, once accepted. */
  index: Index | undefined;
  /** Whether the server refused it (it was shutting down, or full). */
  refused = false;
  /** Why it was owed its refusal, as the limits promise (`server is full`, ...). */
  owedRefusal: string | undefined;
  /** Whether it saw the server close the connection (after reading everything). */
  closedByServer = false;
  readonly #world: World;
  readonly #options: SimClientOptions;
  readonly #transcript = new Transcript();
  #expected: Addressed[] = [];
  readonly #script: Script;

  constructor(options: SimClientOptions) {
    this.#options = options;
    const world = this.#world = options.world;
    this.name = options.name;
    this.protocol = options.protocol ?? "tcp";
    this.sniffed = this.protocol !== "tcp" || options.sniffed === true;
    this.connectAt = options.connectAtUs;
    this.#script = new Script(world, options.plan, this.name, this.connectAt);
    const ws = this.protocol === "tcp" ? undefined : this.#webSocket(options);
    const peer: LinkPeer = {
      read: (bytes) => {
        if (world.trace.on) this.#trace(`read ${bytes.length}B`);
        if (ws) ws.read(bytes);
        else this.#transcript.read(world.now, bytes);
      },
      ended: () => this.#ended(),
      accept: (socket) => this.#options.accept(this, socket),
      written: (bytes) => {
        if (!options.isAddressed(bytes)) this.#expected.push(Addressed.direct(world.now, bytes));
      },
    };
    this.inbox.expect(this.#expected);
    this.link = new Link(world, options.plan, options.name, options.faults, peer);
    this.webSocket = ws;
    const trickle = options.trickleHead;
    this.#script.at(0, () => {
      this.link.connect();
      const next = ws?.open(trickle?.pieces);
      for (let n = 1; next && trickle && n < trickle.pieces; n++) {
        this.#script.at(this.connectAt / 1000 + n * trickle.everyMs, next);
      }
    });
  }

  /** What it read (unwrapped, over WebSocket), compared with what the core addressed to it. */
  get inbox(): Inbox {
    return this.#transcript.inbox;
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

  /** Every message it read, decoded with the reference decoder. */
  get messages(): Received[] {
    return this.#transcript.messages;
  }

  /** Its log without the reads, in order: what it sent and what happened to it (nothing decoded). */
  get notes(): readonly ClientLogEntry[] {
    return this.#transcript.notes;
  }

  /** Its log, in order: what it sent, each read (raw and decoded), what happened to it. */
  get log(): ClientLogEntry[] {
    return this.#transcript.log;
  }

  /** Sends one message (or raw text/bytes) at `atMs`. */
  send(atMs: number, message: Outgoing): this {
    const bytes = typeof message === "string"
      ? encoder.encode(message)
      : message instanceof Uint8Array
      ? message
      : encoder.encode(JSON.stringify(message) + "\0");
    this.#script.at(atMs, () => {
      const ws = this.webSocket;
      const sent = ws ? ws.send(bytes) : this.link.clientWrite(bytes);
      if (sent && !ws) this.sent.push(bytes);
      this.#log("sent", sent ? undefined : "not sent: the connection is closed", bytes);
      if (this.#world.trace.on) this.#trace(`send ${bytes.length}B${sent ? "" : " (closed)"}`);
    });
    return this;
  }

  /**
   * A WebSocket client: writes `frames` as they are at `atMs`, in one write. Each whole text
   * frame that owes nothing is logged as a message sent; the others with a note (what they owe).
   */
  sendFrames(atMs: number, frames: readonly RawFrame[]): this {
    this.#script.at(atMs, () => {
      const sent = this.webSocket?.sendFrames(frames) ?? false;
      for (const { opcode, payload, fin, owes } of frames) {
        const message = opcode === 1 && fin !== false && !owes;
        const note = !sent
          ? "not sent"
          : owes
          ? `raw frame, owes ${owes.code}: ${owes.why}`
          : undefined;
        this.#log("sent", message ? note : note ?? "raw frame", Uint8Array.from([...payload, 0]));
      }
    });
    return this;
  }

  /**
   * Half-closes at `atMs` (a WebSocket client sends its close frame first, 1000 unless
   * `close` says otherwise): still reads.
   */
  end(atMs: number, close?: CloseFrame): this {
    return this.#faultAt("half-close", atMs, () => {
      if (this.webSocket) this.webSocket.close(close);
      else this.link.clientEnd();
    });
  }

  /** A WebSocket client stops answering pings at `atMs` (it still reads): a silent peer. */
  deafen(atMs: number): this {
    return this.#faultAt("deafen", atMs, () => {
      if (this.webSocket) this.webSocket.deaf = true;
    });
  }

  /** Vanishes at `atMs`; the server is told when the reset reaches it. */
  abort(atMs: number): this {
    return this.#faultAt("abort", atMs, () => this.link.clientAbort("client aborted"));
  }

  /** Is reset at `atMs`: the server's writes fail first, and it is told `noticeMs` later. */
  reset(atMs: number, noticeMs = 20): this {
    const reset = () => this.link.clientAbort("client reset", noticeMs * 1000);
    return this.#faultAt("reset", atMs, reset);
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
    const struck = this.#script.given("abort after connect", this.connectAt, 1);
    this.link.triggers.abortAfterConnect = struck === 1;
    return this;
  }

  /** Is reset just before the server's `n`-th write to it, which throws. */
  resetBeforeWrite(n: number): this {
    this.link.triggers.resetBeforeWrite =
      this.#script.given("reset before write", this.connectAt, n) ?? 0;
    return this;
  }

  /** Vanishes right after the server's `n`-th write to it, in the middle of the core's send. */
  abortAfterWrite(n: number): this {
    this.link.triggers.abortAfterWrite =
      this.#script.given("abort after write", this.connectAt, n) ?? 0;
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
    this.#transcript.listen((commands) => listener(commands, this));
    return this;
  }

  /** Vanishes as soon as the server has to wait for its drain. */
  abortWhileDraining(): this {
    const struck = this.#script.given("abort while draining", this.connectAt, 1);
    this.link.triggers.abortWhileDraining = struck === 1;
    return this;
  }

  /** Everything it read, as text (bad UTF-8 replaced). */
  receivedText(): string {
    return new TextDecoder().decode(this.inbox.bytes);
  }

  /** The core admitted it as `index`, or refused it (undefined) when it owed `refusal`. */
  admitted(index: Index | undefined, refusal?: string): void {
    this.index = index;
    this.refused = index === undefined;
    this.owedRefusal = refusal;
    if (index !== undefined) {
      // What the core wrote inside accept, before the index was known, comes first.
      const list = this.#options.expected(index);
      list.unshift(...this.#expected);
      this.#expected = list;
      this.inbox.expect(list);
    }
    this.#log("event", index !== undefined ? `accepted as index ${index}` : "refused");
  }

  #webSocket(options: SimClientOptions): WebSocketClient {
    const mode = this.protocol === "ws-stream" ? "stream" : "message";
    return new WebSocketClient(mode, options.fragments, {
      write: (bytes) => this.link.clientWrite(bytes),
      end: () => this.link.clientEnd(),
      writable: () => !this.link.clientGone && !this.link.clientEnded,
      stream: (bytes) => this.#transcript.read(this.#world.now, bytes),
      sent: (bytes) => this.sent.push(bytes),
      event: (note) => this.#log("event", note),
      violation: (message) => {
        this.webSocketViolations.push({ time: this.#world.now, message });
        this.#log("event", `WebSocket violation: ${message}`);
      },
      random: (n) => options.plan.keyed(`${this.name}.ws`, n),
    });
  }

  #ended(): void {
    if (this.closedByServer) return;
    this.closedByServer = true;
    this.#log("event", "server closed the connection");
    this.#trace("end of stream");
  }

  #faultAt(kind: string, atMs: number, run: () => void): this {
    this.#script.faultAt(kind, atMs, () => {
      this.#log("event", kind);
      run();
    });
    return this;
  }

  #log(kind: "sent" | "event", note: string | undefined, bytes?: Uint8Array): void {
    this.#transcript.note(this.#world.now, kind, note, bytes);
  }

  #trace(what: string): void {
    if (this.#world.trace.on) this.#world.trace.add(this.#world.now, this.name, what);
  }
}
