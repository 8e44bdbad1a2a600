/**
 * An incremental RFC 6455 frame decoder: bytes in any split, events out.
 *
 * @module
 */
import { CloseCode, readClosePayload } from "./close_codes.ts";
import {
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_BYTES,
  type FrameDecoderOptions,
  type FrameEvent,
} from "./frame_events.ts";
import { isControlOpcode, Opcode } from "./opcode.ts";
import { applyMask } from "./mask.ts";
import { checkUtf8, decodeUtf8 } from "./utf8.ts";

const EMPTY = new Uint8Array(0);
const NONE: readonly FrameEvent[] = Object.freeze([]);
const NEW_BYTES = { allocate: (size: number) => new Uint8Array(size) };

/**
 * Decodes the frames of one connection. Checks fail as soon as the byte that breaks them
 * arrives; after a `close` or `error` event the decoder ignores all further bytes. A message
 * is unmasked straight into one buffer, never larger than the limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeClientFrame } from "./frame_encoder.ts";
 * import { FrameDecoder } from "./frame_decoder.ts";
 * const decoder = new FrameDecoder({ maxMessageBytes: 16 });
 * const frame = encodeClientFrame(0x1, new TextEncoder().encode("héllo"));
 * assert.deepEqual(decoder.feed(frame.subarray(0, 3)), []);
 * assert.deepEqual(decoder.feed(frame.subarray(3)), [{ type: "text", text: "héllo" }]);
 * const big = encodeClientFrame(0x2, new Uint8Array(17));
 * assert.deepEqual(decoder.feed(big.subarray(0, 2)), [
 *   { type: "error", code: 1009, reason: "message over 16 bytes" },
 * ]);
 * ```
 */
export class FrameDecoder {
  readonly maxMessageBytes: number;
  readonly maxFragments: number;
  readonly #stream: boolean;
  readonly #server: boolean;
  /** 1 when text messages are held with room for a zero byte after them, else 0. */
  readonly #terminator: number;
  readonly #allocator: { allocate(size: number): Uint8Array };
  /** While a header is read: the bytes of the current feed after its byte being read. */
  #ahead = 0;
  #events: FrameEvent[] | undefined;
  #done = false;
  // The frame being read: its header, then its payload. Numbers rather than a byte array keep
  // an idle decoder small, and the mask in a local register while unmasking.
  #first = 0; // the header's first byte: FIN, RSV, opcode
  #headLength = 0;
  #headNeeded = 2;
  #lengthEnd = 2;
  #frameLength = 0;
  #mask = 0;
  #remaining = -1; // payload bytes still to come; -1 while reading a header
  #position = 0; // payload bytes of this frame already read: the mask's phase
  #masked = false;
  #control: Uint8Array = EMPTY;
  // The data message being gathered: its first opcode, fragments so far, bytes held.
  #opcode = 0;
  #fragments = 0;
  #message: Uint8Array = EMPTY;
  #length = 0;
  // How far a fragmented text message has been checked as UTF-8, and the checker's state.
  #checked = 0;
  #utf8 = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxFragments = options.maxFragments ?? DEFAULT_MAX_FRAGMENTS;
    if (!(this.maxMessageBytes >= 0)) throw new RangeError("maxMessageBytes must be >= 0");
    if (!(this.maxFragments >= 1)) throw new RangeError("maxFragments must be at least 1");
    this.#stream = options.binary === "stream";
    this.#server = options.role !== "client";
    this.#terminator = options.text === "zero-terminated" ? 1 : 0;
    this.#allocator = options.allocator ?? NEW_BYTES;
  }

  /** Bytes held for unfinished frames and messages. */
  get bufferedBytes(): number {
    return this.#message.length + this.#control.length + this.#headLength;
  }

  /** Whether a `close` or `error` event ended the decoding. */
  get done(): boolean {
    return this.#done;
  }

  /** Decodes `bytes`, which are not modified nor kept; returns the events they complete. */
  feed(bytes: Uint8Array): readonly FrameEvent[] {
    let i = 0;
    while (i < bytes.length && !this.#done) {
      if (this.#remaining < 0) {
        this.#ahead = bytes.length - i - 1;
        this.#headerByte(bytes[i++]);
      } else {
        const n = Math.min(this.#remaining, bytes.length - i);
        this.#payload(bytes, i, n);
        i += n;
      }
    }
    const events = this.#events;
    this.#events = undefined;
    return events ?? NONE;
  }

  #emit(event: FrameEvent): void {
    (this.#events ??= []).push(event);
    if (event.type === "close" || event.type === "error") {
      this.#done = true;
      this.#message = this.#control = EMPTY;
      this.#headLength = 0;
    }
  }

  #fail(code: number, reason: string): void {
    this.#emit({ type: "error", code, reason });
  }

  #headerByte(byte: number): void {
    const at = this.#headLength++;
    if (at === 0) {
      this.#first = byte;
      return this.#checkFirst(byte);
    }
    if (at === 1) {
      this.#checkSecond(byte);
    } else if (at < this.#lengthEnd) {
      if (at === 2 && this.#lengthEnd === 10 && byte >= 0x80) {
        return this.#fail(CloseCode.ProtocolError, "length top bit set");
      }
      this.#frameLength = this.#frameLength * 256 + byte;
    } else {
      this.#mask = ((this.#mask << 8) | byte) >>> 0;
    }
    // Limits are decided as soon as the length is known, before the mask and the payload.
    if (this.#headLength === this.#lengthEnd && !this.#done) this.#readLength();
    if (this.#headLength === this.#headNeeded && !this.#done) this.#startPayload();
  }

  #checkFirst(byte: number): void {
    const opcode = byte & 0xf;
    if ((byte & 0x70) !== 0) return this.#fail(CloseCode.ProtocolError, "reserved bits set");
    if (isControlOpcode(opcode)) {
      if (opcode > Opcode.Pong) return this.#fail(CloseCode.ProtocolError, "unknown opcode");
      if ((byte & 0x80) === 0) return this.#fail(CloseCode.ProtocolError, "fragmented control");
    } else if (opcode > Opcode.Binary) {
      this.#fail(CloseCode.ProtocolError, "unknown opcode");
    } else if (opcode === Opcode.Continuation && this.#opcode === 0) {
      this.#fail(CloseCode.ProtocolError, "continuation without a start");
    } else if (opcode !== Opcode.Continuation && this.#opcode !== 0) {
      this.#fail(CloseCode.ProtocolError, "new message inside a fragmented one");
    }
  }

  #checkSecond(byte: number): void {
    this.#masked = (byte & 0x80) !== 0;
    if (this.#masked !== this.#server) {
      return this.#fail(CloseCode.ProtocolError, this.#server ? "unmasked frame" : "masked frame");
    }
    const length = byte & 0x7f;
    if (isControlOpcode(this.#first) && length > 125) {
      return this.#fail(CloseCode.ProtocolError, "control frame over 125 bytes");
    }
    this.#frameLength = length < 126 ? length : 0;
    this.#lengthEnd = 2 + (length === 126 ? 2 : length === 127 ? 8 : 0);
    this.#headNeeded = this.#lengthEnd + (this.#masked ? 4 : 0);
  }

  #readLength(): void {
    const opcode = this.#first & 0xf;
    const length = this.#frameLength;
    if (isControlOpcode(opcode)) this.#control = new Uint8Array(length);
    else this.#startData(opcode, length, (this.#first & 0x80) !== 0);
  }

  #startPayload(): void {
    this.#remaining = this.#frameLength;
    this.#position = 0;
    if (this.#remaining === 0) this.#endFrame();
  }

  /** Checks a data frame's place and size in its message and makes room for it. */
  #startData(opcode: number, length: number, fin: boolean): void {
    if (opcode !== Opcode.Continuation) this.#opcode = opcode;
    if (++this.#fragments > this.maxFragments) {
      return this.#fail(
        CloseCode.PolicyViolation,
        `message in over ${this.maxFragments} fragments`,
      );
    }
    const streamed = this.#stream && this.#opcode === Opcode.Binary;
    // Streamed payload is not held, but a length past 2^53 could not be counted down exactly.
    const limit = streamed ? Number.MAX_SAFE_INTEGER : this.maxMessageBytes;
    const total = this.#length + length;
    if (total > limit) {
      return this.#fail(CloseCode.MessageTooBig, `message over ${limit} bytes`);
    }
    if (streamed) return;
    const spare = this.#opcode === Opcode.Text ? this.#terminator : 0;
    if (total + spare > this.#message.length) {
      // A whole message in one frame gets its exact size; fragments grow it by doubling.
      const size = fin && this.#length === 0
        ? total + spare
        : Math.max(total, Math.min(this.maxMessageBytes, this.#message.length * 2)) + spare;
      // The allocator only for a message already whole in this feed: a peer stalling mid-frame
      // holds an array of its own, never a shared slab.
      const whole = fin && this.#length === 0 &&
        this.#ahead >= this.#headNeeded - this.#headLength + length;
      const grown = whole ? this.#allocator.allocate(size) : new Uint8Array(size);
      grown.set(this.#message.subarray(0, this.#length));
      this.#message = grown;
    }
  }

  #payload(bytes: Uint8Array, start: number, n: number): void {
    const control = isControlOpcode(this.#first);
    const streamed = !control && this.#stream && this.#opcode === Opcode.Binary;
    const target = control ? this.#control : streamed ? this.#allocator.allocate(n) : this.#message;
    const offset = control ? this.#position : streamed ? 0 : this.#length;
    const source = bytes.subarray(start, start + n);
    if (this.#masked) applyMask(source, target, offset, this.#mask, this.#position);
    else target.set(source, offset);
    this.#position += n;
    this.#remaining -= n;
    if (!control && !streamed) this.#length += n;
    const final = (this.#first & 0x80) !== 0 && this.#remaining === 0;
    if (streamed) this.#emit({ type: "chunk", data: target, final });
    if (this.#remaining === 0) this.#endFrame();
  }

  #endFrame(): void {
    const opcode = this.#first & 0xf;
    const fin = (this.#first & 0x80) !== 0;
    this.#remaining = -1;
    this.#headLength = 0;
    this.#headNeeded = this.#lengthEnd = 2;
    this.#mask = 0;
    if (isControlOpcode(opcode)) return this.#endControl(opcode);
    const streamed = this.#stream && this.#opcode === Opcode.Binary;
    if (streamed && this.#position === 0) this.#emit({ type: "chunk", data: EMPTY, final: fin });
    if (!fin) return this.#checkFragment();
    const length = this.#length;
    const message = this.#message.subarray(0, length);
    const first = this.#opcode;
    const checked = this.#checked;
    const utf8 = this.#utf8;
    const held = this.#message;
    this.#opcode =
      this.#fragments =
      this.#length =
      this.#checked =
      this.#utf8 =
        0;
    this.#message = EMPTY;
    if (first === Opcode.Text && this.#terminator === 1) {
      // Checked from where the fragments' checks stopped; the bytes are never decoded here.
      if (checkUtf8(held, checked, length, utf8) !== 0) {
        return this.#fail(CloseCode.InvalidPayload, "invalid UTF-8 text");
      }
      held[length] = 0;
      this.#emit({ type: "terminated", data: held.subarray(0, length + 1) });
    } else if (first === Opcode.Text) {
      const text = decodeUtf8(message);
      if (text === undefined) return this.#fail(CloseCode.InvalidPayload, "invalid UTF-8 text");
      this.#emit({ type: "text", text });
    } else if (!streamed) {
      this.#emit({ type: "binary", data: message });
    }
  }

  /** Fails a text message at the fragment where it stops being UTF-8, not at its end. */
  #checkFragment(): void {
    if (this.#opcode !== Opcode.Text) return;
    this.#utf8 = checkUtf8(this.#message, this.#checked, this.#length, this.#utf8);
    this.#checked = this.#length;
    if (this.#utf8 < 0) this.#fail(CloseCode.InvalidPayload, "invalid UTF-8 text");
  }

  #endControl(opcode: number): void {
    const data = this.#control;
    this.#control = EMPTY;
    if (opcode === Opcode.Ping) return this.#emit({ type: "ping", data });
    if (opcode === Opcode.Pong) return this.#emit({ type: "pong", data });
    this.#emit(readClosePayload(data));
  }
}
