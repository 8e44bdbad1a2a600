/**
 * The client side of a simulated WebSocket connection: a real opening handshake, masked
 * frames out, the server's frames read and unwrapped into the zero-byte stream the per-client
 * checks compare with what the core addressed.
 *
 * @module
 */
import { concat } from "../../src/transport/concat_bytes.ts";
import { encodeFrame } from "../../src/websocket/frame_encoder.ts";
import {
  handshakeKey,
  upgradeRequest,
  UpgradeResponseReader,
} from "../../src/websocket/client_handshake.ts";
import type { Random } from "./random.ts";
import type { RawFrame, WebSocketHost, WebSocketMode } from "./ws_host.ts";
import { ClientFrameReader } from "./ws_frame_reader.ts";
import {
  closeCode,
  type CloseFrame,
  closePayload,
  closeProblem,
  NORMAL_CLOSE,
} from "./ws_close_frame.ts";

export type { RawFrame, WebSocketHost, WebSocketMode } from "./ws_host.ts";

const ZERO = new Uint8Array(1);

/**
 * One WebSocket client. Its sends wait for the server's `101`; then each message is sent as
 * masked frames, cut at random: message mode, a text message (one to three fragments) per
 * zero-terminated message; stream mode, binary frames cut anywhere in the stream. Pings go
 * in between now and then. It answers pings, echoes the server's close, and checks every
 * frame the server sends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Random } from "./random.ts";
 * import { WebSocketClient } from "./ws_client.ts";
 * const wire: Uint8Array[] = [];
 * const client = new WebSocketClient("message", undefined, {
 *   write: (bytes) => (wire.push(bytes), true),
 *   end() {},
 *   writable: () => true,
 *   stream() {}, sent() {}, event() {}, violation() {},
 *   random: (n) => new Random(n),
 * });
 * client.open();
 * assert.ok(new TextDecoder().decode(wire[0]).startsWith("GET / HTTP/1.1\r\n"));
 * assert.equal(client.send(new TextEncoder().encode('{"code":"a"}\0')), true); // held
 * assert.equal(wire.length, 1);
 * ```
 */
export class WebSocketClient {
  readonly mode: WebSocketMode;
  /** `handshake` until the `101`, `open`, then `closing` once either side sent a close. */
  state: "handshake" | "open" | "closing" | "refused" = "handshake";
  /** Pings from the server it answered (a keep-alive). */
  pingsAnswered = 0;
  /** The most frames it sent one message in. */
  mostFragments = 0;
  /** The payload of the close frame it sent first (its own close, not an echo), if it did. */
  closeSent: Uint8Array | undefined;
  /** The payload of the server's close frame, once read. */
  closeReceived: Uint8Array | undefined;
  /** Whether it wrote frames as they are (`sendFrames`): it may have broken the protocol. */
  sentRaw = false;
  /** Whether it stopped answering pings (`SimClient.deafen`). */
  deaf = false;
  /** Message mode: each message in exactly this many frames (else one to three, drawn). */
  readonly #fragmentCount: number | undefined;
  readonly #host: WebSocketHost;
  readonly #key: string;
  readonly #response: UpgradeResponseReader;
  readonly #frames: ClientFrameReader;
  /** Sends made during the handshake, and whether a close was asked for then. */
  #held: Uint8Array[] = [];
  #closeHeld: CloseFrame | undefined;
  /** Message mode: the start of a message its sends have not ended yet. */
  #partial: Uint8Array = new Uint8Array(0);
  #batches = 0;
  /** The kind of the server's first data message (1 text, 2 binary), or 0. */
  #serverKind = 0;
  /** Its pings not yet answered, by payload (two may carry the same). */
  readonly #pings = new Map<string, number>();

  constructor(mode: WebSocketMode, fragments: number | undefined, host: WebSocketHost) {
    this.mode = mode;
    this.#fragmentCount = fragments;
    this.#host = host;
    const random = host.random(0);
    this.#key = handshakeKey(new Uint8Array(16).map(() => random.int(0, 255)));
    this.#response = new UpgradeResponseReader(this.#key);
    this.#frames = new ClientFrameReader({
      payload: (kind, bytes) => this.#payload(kind, bytes),
      messageEnd: (kind) => kind === 1 && host.stream(ZERO),
      control: (opcode, payload) => this.#control(opcode, payload),
      error: (reason) => host.violation(`a bad frame from the server: ${reason}`),
    });
  }

  /**
   * Sends the upgrade request (right after connecting); with `pieces` above 1, only its first
   * piece, and returns a function that sends the next one (the head trickled in).
   */
  open(pieces = 1): () => void {
    const head = upgradeRequest({ host: "sim", key: this.#key, headers: { Origin: "sim" } });
    let sent = 0;
    const next = () => {
      const end = Math.round(head.length * ++sent / pieces);
      if (sent <= pieces) {
        this.#host.write(head.subarray(Math.round(head.length * (sent - 1) / pieces), end));
      }
    };
    next();
    return next;
  }

  /** Sends bytes of its zero-byte stream; false once it can send no more. */
  send(bytes: Uint8Array): boolean {
    if (this.state === "handshake" && this.#host.writable()) {
      this.#held.push(bytes);
      return true;
    }
    if (this.state !== "open") return false;
    return this.#frame(bytes);
  }

  /**
   * Writes `frames` as they are (masked), in one write: how a peer that breaks the rules on
   * purpose speaks. False when the connection is not open.
   */
  sendFrames(frames: readonly RawFrame[]): boolean {
    if (this.state !== "open") return false;
    this.sentRaw = true;
    const random = this.#host.random(++this.#batches);
    const encoded = frames.map(({ opcode, payload, fin = true, rsv, unmasked }) =>
      encodeFrame(opcode, payload, { fin, rsv, mask: unmasked ? undefined : mask(random) })
    );
    return this.#host.write(concat(encoded));
  }

  /**
   * Sends a close frame (1000 unless `frame` says otherwise: another code, a reason, or no
   * code at all), then half-closes; during the handshake, once it is done.
   */
  close(frame: CloseFrame = NORMAL_CLOSE): void {
    if (this.state === "handshake") return void (this.#closeHeld = frame);
    if (this.state === "open") {
      this.state = "closing";
      const payload = closePayload(frame);
      this.closeSent = payload;
      this.#host.write(this.#controlFrame(0x8, payload));
    }
    this.#host.end();
  }

  /** Bytes from the server. */
  read(bytes: Uint8Array): void {
    if (this.state === "refused") return;
    if (this.state !== "handshake") return this.#frames.feed(bytes);
    const answer = this.#response.feed(bytes);
    if (answer.kind === "incomplete") return;
    if (answer.kind === "refused") {
      this.state = "refused";
      this.#host.violation(`the server refused the upgrade: ${answer.status} ${answer.reason}`);
      return;
    }
    this.state = "open";
    this.#host.event(`WebSocket open (${this.mode} mode)`);
    for (const held of this.#held.splice(0)) this.#frame(held);
    if (this.#closeHeld) this.close(this.#closeHeld);
    if (answer.rest.length > 0) this.#frames.feed(answer.rest);
  }

  /** Frames what `bytes` completes of its stream, and writes the frames at once. */
  #frame(bytes: Uint8Array): boolean {
    const random = this.#host.random(++this.#batches);
    const frames: Uint8Array[] = [];
    const ping = () => {
      if (!random.chance(0.1)) return;
      const payload = new Uint8Array(random.int(0, 8)).map(() => random.int(0, 255));
      this.#pings.set(payload.join(), (this.#pings.get(payload.join()) ?? 0) + 1);
      frames.push(encodeFrame(0x9, payload, { mask: mask(random) }));
    };
    if (this.mode === "stream") {
      ping();
      this.#fragments(random, 0x2, bytes, frames, random.chance(0.5));
      this.#host.sent(bytes);
    } else {
      const data = this.#partial.length > 0 ? concat([this.#partial, bytes]) : bytes;
      let start = 0;
      for (let zero = data.indexOf(0); zero !== -1; zero = data.indexOf(0, start)) {
        ping();
        this.#fragments(random, 0x1, data.subarray(start, zero), frames, true);
        this.#host.sent(data.subarray(start, zero + 1));
        start = zero + 1;
      }
      this.#partial = data.slice(start);
    }
    if (frames.length === 0) return true;
    return this.#host.write(frames.length === 1 ? frames[0] : concat(frames));
  }

  /** One to three frames of `payload`: one fragmented message, or (stream mode) several. */
  #fragments(
    random: Random,
    opcode: number,
    payload: Uint8Array,
    frames: Uint8Array[],
    oneMessage: boolean,
  ): void {
    const fixed = this.mode === "message" ? this.#fragmentCount : undefined;
    const pieces = fixed ?? (payload.length < 2 || random.chance(0.6) ? 1 : random.int(2, 3));
    const cuts = [0];
    for (let n = 1; n < pieces; n++) {
      // A fixed count cuts evenly (empty frames, for a payload shorter than the count).
      cuts.push(
        fixed ? Math.floor(payload.length * n / pieces) : random.int(1, payload.length - 1),
      );
    }
    if (oneMessage) this.mostFragments = Math.max(this.mostFragments, pieces);
    cuts.push(payload.length);
    cuts.sort((a, b) => a - b);
    for (let n = 0; n < pieces; n++) {
      const first = n === 0 || !oneMessage;
      const fin = n === pieces - 1 || !oneMessage;
      const piece = payload.subarray(cuts[n], cuts[n + 1]);
      frames.push(encodeFrame(first ? opcode : 0x0, piece, { fin, mask: mask(random) }));
    }
  }

  #payload(kind: 1 | 2, bytes: Uint8Array): void {
    if (this.#serverKind === 0) this.#serverKind = kind;
    if (kind === 2 && this.mode === "message") {
      this.#host.violation("a binary frame to a client in message mode");
    } else if (kind !== this.#serverKind) {
      this.#host.violation(
        `a ${kind === 1 ? "text" : "binary"} frame after frames of the other kind`,
      );
    } else if (kind === 1 && bytes.includes(0)) {
      this.#host.violation("a zero byte inside a text message");
    }
    this.#host.stream(bytes);
  }

  #control(opcode: 8 | 9 | 10, payload: Uint8Array): void {
    if (opcode === 9) {
      if (this.state !== "open" || this.deaf) return;
      this.pingsAnswered++;
      this.#host.write(this.#controlFrame(0xa, payload));
    } else if (opcode === 10) {
      const key = payload.join();
      const waiting = this.#pings.get(key) ?? 0;
      if (waiting === 0) this.#host.violation("a pong to no ping of its own");
      else this.#pings.set(key, waiting - 1);
    } else {
      const problem = closeProblem(payload);
      if (problem) this.#host.violation(`a bad close frame: ${problem}`);
      this.closeReceived = payload;
      const code = closeCode(payload);
      this.#host.event(`the server closed the WebSocket${code ? ` with ${code}` : ""}`);
      if (this.state !== "open") return;
      this.state = "closing";
      this.#host.write(this.#controlFrame(0x8, payload.subarray(0, 2)));
    }
  }

  #controlFrame(opcode: number, payload: Uint8Array): Uint8Array {
    return encodeFrame(opcode, payload, { mask: mask(this.#host.random(++this.#batches)) });
  }
}

function mask(random: Random): Uint8Array {
  const key = random.uint32();
  return new Uint8Array([key >>> 24, (key >>> 16) & 0xff, (key >>> 8) & 0xff, key & 0xff]);
}
